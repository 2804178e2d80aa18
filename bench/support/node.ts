/** XCord nodes as their own processes, for benchmarks. */
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";

const ROOT = resolve(import.meta.dir, "../..");

export interface BenchNode {
  readonly url: string;
  readonly process: Subprocess;
  /** Resident memory of the node process, in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** Resident memory of a process, in bytes, from /proc. */
export const rssOf = async (pid: number): Promise<number> => {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
};

/** Starts `bun run src/main.ts` on `port` with `env` and resolves once /ready answers 200. */
export const startNode = async (port: number, env: Record<string, string | undefined>): Promise<BenchNode> => {
  const child = Bun.spawn([process.execPath, "run", join(ROOT, "src/main.ts")], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "warn", ...env },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`node on port ${port} did not become ready`);
    }
    await Bun.sleep(50);
  }
  return {
    url,
    process: child,
    rss: () => rssOf(child.pid),
    async stop() {
      child.kill("SIGTERM");
      const exited = await Promise.race([child.exited, Bun.sleep(15_000).then(() => null)]);
      if (exited === null) child.kill("SIGKILL");
    },
  };
};
