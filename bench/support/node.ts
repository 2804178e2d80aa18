/** XCord nodes as their own processes, for benchmarks: one, or a group sharing one port as in cluster mode. */
import { readdirSync, readlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { spawnTracked, stopChild } from "./processes";

const ROOT = resolve(import.meta.dir, "../..");
/** Nodes of a benchmark run no voice: mediasoup workers would only take memory and CPU from the gateway. */
const BENCH_ENV = { HOST: "127.0.0.1", LOG_LEVEL: "warn", MEDIASOUP_WORKERS: "0" };

export interface BenchNode {
  readonly url: string;
  readonly process: Subprocess;
  /** Resident memory of the node process, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

export interface NodeGroup {
  readonly url: string;
  readonly nodes: readonly BenchNode[];
  /** Resident memory of each node process, in bytes. */
  rss(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Resident memory of a process, in bytes, from /proc (0 once it is gone). */
export const rssOf = async (pid: number): Promise<number> => {
  const status = await Bun.file(`/proc/${pid}/status`).text().catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
};

/** Waits until `url`/ready answers 200, or throws when the child died or 60 s passed. */
const waitReady = async (child: Subprocess, url: string) => {
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`node at ${url} did not become ready`);
    }
    await Bun.sleep(50);
  }
};

/** Runs one node process; `bunArgs` go before the script (e.g. `--cpu-prof`). */
const spawnNode = (port: number, env: Record<string, string | undefined>, bunArgs: readonly string[]) =>
  spawnTracked([process.execPath, ...bunArgs, "run", join(ROOT, "src/main.ts")], {
    env: { ...process.env, ...BENCH_ENV, PORT: String(port), ...env },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });

const benchNode = (child: Subprocess, url: string): BenchNode => ({
  url,
  process: child,
  rss: () => rssOf(child.pid),
  stop: () => stopChild(child, 15_000),
});

/** Starts `bun run src/main.ts` on `port` with `env` and resolves once /ready answers 200. */
export const startNode = async (port: number, env: Record<string, string | undefined>, bunArgs: readonly string[] = []): Promise<BenchNode> => {
  const child = spawnNode(port, env, bunArgs);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(child, url);
  return benchNode(child, url);
};

/**
 * Starts `count` node processes sharing `port` through SO_REUSEPORT, as `WORKERS=N` does, each with its own
 * NODE_ID. The first migrates the database alone; the others start once it serves, and count as up once they
 * listen (with a shared port, any node may answer /ready).
 */
export const startNodeGroup = async (
  port: number,
  count: number,
  env: Record<string, string | undefined>,
  bunArgs: readonly string[] = [],
): Promise<NodeGroup> => {
  const url = `http://127.0.0.1:${port}`;
  const groupEnv = (index: number) => ({ ...env, XCORD_REUSE_PORT: "1", NODE_ID: String(index + 1) });
  const first = spawnNode(port, groupEnv(0), bunArgs);
  await waitReady(first, url);
  const rest = Array.from({ length: count - 1 }, (_, i) => spawnNode(port, groupEnv(i + 1), bunArgs));
  await waitListening(rest);
  const nodes = [first, ...rest].map((child) => benchNode(child, url));
  return {
    url,
    nodes,
    rss: () => Promise.all(nodes.map((node) => node.rss())),
    stop: async () => void (await Promise.all(nodes.map((node) => node.stop()))),
  };
};

/** Waits until every process has a listening socket (read from /proc, as the port is shared); throws after 60 s. */
export const waitListening = async (children: readonly Subprocess[]): Promise<void> => {
  const deadline = Date.now() + 60_000;
  while (!(await allListening(children))) {
    if (Date.now() > deadline || children.some((child) => child.exitCode !== null)) throw new Error("a server process did not start listening");
    await Bun.sleep(100);
  }
};

/** True once every process has a listening TCP socket. */
const allListening = async (children: readonly Subprocess[]) => {
  const listening = await Promise.all(children.map((child) => hasListeningSocket(child.pid)));
  return listening.every(Boolean);
};

/** Whether `pid` owns a socket in LISTEN state (state 0A in /proc/net/tcp). */
const hasListeningSocket = async (pid: number): Promise<boolean> => {
  const listeners = new Set(
    (await Bun.file("/proc/net/tcp").text())
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === "0A")
      .map((fields) => fields[9]),
  );
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const inode = /socket:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, "utf8"))?.[1];
      if (inode && listeners.has(inode)) return true;
    }
  } catch {
    return false;
  }
  return false;
};
