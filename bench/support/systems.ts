/**
 * The systems a scenario compares, each started on the same machine for the same work, so that ratios hold even
 * when absolute figures drift:
 *   xcord:    XCord nodes sharing one port (SO_REUSEPORT), PostgreSQL and Redis, as in cluster mode;
 *   bare:     bench/baselines/bare-ws.ts, the physical limit (Bun.serve publishing to every socket, nothing else);
 *   socketio: bench/baselines/socketio-server.mjs, the stack of seed 002 (Node + Socket.IO + Redis adapter, JWT,
 *             the same Postgres table).
 * All three serve `POST|GET /api/v1/channels/{id}/messages` with a bearer token, so the load is the same code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Subprocess } from "bun";
import { freePort } from "../../scripts/support/proc";
import type { Protocol } from "./load-clients";
import { rssOf, startNodeGroup, waitListening } from "./node";
import { spawnTracked, stopChild } from "./processes";
import type { Services } from "./services";

export type SystemName = "xcord" | "bare" | "socketio";
export const SYSTEM_NAMES: readonly SystemName[] = ["xcord", "bare", "socketio"];
export const SYSTEM_LABELS: Record<SystemName, string> = { xcord: "XCord", bare: "bare Bun.serve", socketio: "Node + Socket.IO" };

const BASELINES = resolve(import.meta.dir, "../baselines");

export interface SystemOptions {
  readonly services: Services;
  readonly jwtSecret: string;
  /** Server processes sharing the port. */
  readonly processes: number;
  /** Extra `bun` arguments for XCord nodes (e.g. `--cpu-prof`). */
  readonly bunArgs?: readonly string[];
  /** Extra environment for XCord nodes. */
  readonly env?: Record<string, string>;
}

export interface RunningSystem {
  readonly name: SystemName;
  readonly protocol: Protocol;
  readonly httpUrl: string;
  readonly wsUrl: string;
  /** Resident memory of each server process, in bytes. */
  rss(): Promise<number[]>;
  /** Open files of each server process (sockets, mostly). */
  openFiles(): number[];
  /**
   * CPU seconds (user + system) the server processes have used so far. The difference over a measured window, per
   * request, is steadier than requests per second on a shared machine: other load slows a server, it does not make
   * it spend more CPU per request (much).
   */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** CPU seconds (utime + stime) a process has used, from /proc (0 once it is gone). */
export const cpuSecondsOf = (pid: number): number => {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
};
/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every mainstream build). */
const CLOCK_TICKS = 100;
const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/** Open files of a process, from /proc (0 once it is gone). */
const openFilesOf = (pid: number) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
};

/** Child pids of a process (Node cluster workers), from /proc. */
const childPids = (pid: number): number[] =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);

/** Waits for `url`/ready to answer 200, or throws once `child` died or 60 s passed. */
const waitHttpReady = async (child: Subprocess, url: string) => {
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${url}/ready`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${url} did not become ready`);
    await Bun.sleep(100);
  }
};

const startXcord = async (options: SystemOptions, port: number): Promise<RunningSystem> => {
  const group = await startNodeGroup(
    port,
    options.processes,
    {
      DATABASE_URL: options.services.databaseUrl,
      REDIS_URL: options.services.redisUrl,
      JWT_SECRET: options.jwtSecret,
      RATE_LIMIT_SCALE: "1000000",
      DATA_DIR: "memory://",
      // Every client connects from a handful of loopback addresses: no per-IP connection caps.
      GATEWAY_MAX_CONNECTIONS_PER_IP: "0",
      GATEWAY_CONNECTS_PER_IP_PER_MINUTE: "0",
      // PostgreSQL here takes 300 connections in all.
      DATABASE_POOL_SIZE: String(Math.max(4, Math.min(20, Math.floor(200 / options.processes)))),
      ...options.env,
    },
    options.bunArgs,
  );
  return {
    name: "xcord",
    protocol: "xcord",
    httpUrl: group.url,
    wsUrl: `${group.url.replace("http", "ws")}/gateway`,
    rss: () => group.rss(),
    openFiles: () => group.nodes.map((node) => openFilesOf(node.process.pid)),
    cpuSeconds: () => sum(group.nodes.map((node) => cpuSecondsOf(node.process.pid))),
    stop: () => group.stop(),
  };
};

const startBare = async (options: SystemOptions, port: number): Promise<RunningSystem> => {
  const children = Array.from({ length: options.processes }, () =>
    spawnTracked([process.execPath, resolve(BASELINES, "bare-ws.ts")], { env: { ...process.env, PORT: String(port) }, stdin: "ignore", stdout: "inherit", stderr: "inherit" }),
  );
  await waitListening(children);
  const url = `http://127.0.0.1:${port}`;
  return {
    name: "bare",
    protocol: "raw",
    httpUrl: url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    rss: () => Promise.all(children.map((child) => rssOf(child.pid))),
    cpuSeconds: () => sum(children.map((child) => cpuSecondsOf(child.pid))),
    openFiles: () => children.map((child) => openFilesOf(child.pid)),
    stop: async () => void (await Promise.all(children.map((child) => stopChild(child)))),
  };
};

const startSocketIo = async (options: SystemOptions, port: number): Promise<RunningSystem> => {
  const child = spawnTracked(["node", resolve(BASELINES, "socketio-server.mjs")], {
    env: {
      ...process.env,
      PORT: String(port),
      WORKERS: String(options.processes),
      DATABASE_URL: options.services.databaseUrl,
      REDIS_URL: options.services.redisUrl,
      JWT_SECRET: options.jwtSecret,
    },
    stdin: "ignore",
    stdout: "inherit",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttpReady(child, url);
  const deadline = Date.now() + 30_000;
  while (childPids(child.pid).length < options.processes && Date.now() < deadline) await Bun.sleep(100);
  // The primary accepts and hands connections to the workers: it is part of this stack's cost.
  const pids = () => [child.pid, ...childPids(child.pid)];
  return {
    name: "socketio",
    protocol: "socketio",
    httpUrl: url,
    wsUrl: url,
    rss: () => Promise.all(pids().map(rssOf)),
    openFiles: () => pids().map(openFilesOf),
    cpuSeconds: () => sum(pids().map(cpuSecondsOf)),
    stop: () => stopChild(child),
  };
};

const STARTERS = { xcord: startXcord, bare: startBare, socketio: startSocketIo } as const;

/** Starts `name` on a free loopback port. */
export const startSystem = async (name: SystemName, options: SystemOptions): Promise<RunningSystem> => STARTERS[name](options, await freePort());

/** Starts XCord and then each other system of `names`, one after another; `bunArgs` per system (profiling). */
export const startSystems = async (
  names: readonly SystemName[],
  options: Omit<SystemOptions, "bunArgs"> & { readonly bunArgs?: (name: SystemName) => readonly string[]; readonly say: (message: string) => void },
): Promise<Map<SystemName, RunningSystem>> => {
  const running = new Map<SystemName, RunningSystem>();
  for (const name of ["xcord", ...names.filter((other) => other !== "xcord")] as SystemName[]) {
    options.say(`starting ${SYSTEM_LABELS[name]}`);
    running.set(name, await startSystem(name, { ...options, bunArgs: options.bunArgs?.(name) }));
  }
  return running;
};

/** Parses `--systems xcord,bare,socketio`. */
export const parseSystems = (value: string): SystemName[] => {
  const names = value.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!SYSTEM_NAMES.includes(name as SystemName)) throw new Error(`unknown system ${name}; expected ${SYSTEM_NAMES.join(", ")}`);
  return names as SystemName[];
};
