/**
 * The production topology on one machine, for the topology suite (tests/topology) and `bun run cluster`:
 * PostgreSQL (127.0.0.1, reached only by PgBouncer), PgBouncer in transaction mode and Redis on the bridge's
 * address, three XCord nodes each in its own network namespace, and HAProxy on 127.0.0.1 in front of them: the
 * one address clients know. HAProxy and PgBouncer run the shipped configs (deploy/haproxy/haproxy.cfg as is, with
 * addresses from the environment; deploy/pgbouncer/pgbouncer.ini with only its [site] lines rewritten).
 *
 * Everything is started under one run directory `$TMPDIR/xcord-topo-<pid>` and torn down by stop(); a run that
 * died without stop() is cleaned up by the next one (reapStaleTopologies).
 */
import type { Subprocess } from "bun";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { isRoot, PGBOUNCER_BIN } from "./deps";
import { createNetwork, type Network, type NetHost, netnsUnavailable, reapStaleNetworks, removeOwnNetworks } from "./netns";
import { ensureServiceUser, startPostgres, userWrapper } from "./postgres";
import { freePort, isAlive, log, readPidFile, run, signalSafe, tail, terminate, waitUntil } from "./proc";

const ROOT = resolve(import.meta.dir, "../..");
export const HAPROXY_CONFIG = join(ROOT, "deploy/haproxy/haproxy.cfg");
export const PGBOUNCER_CONFIG = join(ROOT, "deploy/pgbouncer/pgbouncer.ini");
const MAIN = join(ROOT, "src/main.ts");
const RUN_PREFIX = "xcord-topo-";
const NODE_PORT = 3000;
const NODE_COUNT = 3;

/** Null when the topology can run here, else one line saying why not. */
export async function topologyUnavailable(): Promise<string | null> {
  const network = await netnsUnavailable();
  if (network) return network;
  if (!Bun.which("haproxy")) return "HAProxy is not installed (Debian package haproxy)";
  if (!existsSync(PGBOUNCER_BIN)) return `PgBouncer is not installed (${PGBOUNCER_BIN}, Debian package pgbouncer)`;
  return null;
}

/** One XCord node in its namespace. */
export interface TopologyNode {
  readonly name: string;
  readonly host: NetHost;
  /** Its own address (from the root namespace; clients never use it, checks do). */
  readonly url: string;
  readonly logPath: string;
  running(): boolean;
  /** Start (again) and resolve once /ready answers 200 on its own address. */
  start(): Promise<void>;
  /** SIGTERM (a graceful drain) and resolve with the exit code once it exited (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** A started topology. */
export interface Topology {
  readonly dir: string;
  /** HAProxy: the one address clients use. */
  readonly url: string;
  readonly statsUrl: string;
  readonly network: Network;
  readonly nodes: readonly TopologyNode[];
  /** PgBouncer stopped at once (SIGTERM, as a killed pod) and started again on the same address. */
  stopPgBouncer(): Promise<void>;
  startPgBouncer(): Promise<void>;
  /** Redis shut down saving its data (a Redis with persistence) and started again on the same address. */
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  /** Everything down and removed (idempotent). */
  stop(): Promise<void>;
}

/**
 * For an interrupted run, which has seconds at most: SIGKILL whatever this process started (in its namespaces, or
 * naming its run directory) and remove namespaces, links and files, without any graceful stop.
 */
export async function killOwnTopology(): Promise<void> {
  await removeOwnNetworks();
  const dir = join(tmpdir(), `${RUN_PREFIX}${process.pid}`);
  for (const pid of pidsNaming(dir)) signalSafe(pid, "SIGKILL");
  await waitUntil(() => pidsNaming(dir).length === 0, 2_000, 50);
  rmSync(dir, { recursive: true, force: true });
}

/** Extra environment for every node (test settings: short heartbeats, relaxed rate limits). */
export interface TopologyOptions {
  readonly nodeEnv?: Record<string, string>;
  /** Where HAProxy listens for clients; a free loopback port by default. */
  readonly haproxyPort?: number;
}

/** Kill what runs from a dead run's directory (every process we start names it on its command line), then remove it. */
export async function reapStaleTopologies(): Promise<void> {
  await reapStaleNetworks();
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((name) => name.startsWith(RUN_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(tmpdir(), name);
    const owner = readPidFile(join(dir, "owner.pid"));
    if (owner !== null && isAlive(owner)) continue;
    log(`removing topology run ${dir} left by a dead run`);
    for (const pid of pidsNaming(dir)) signalSafe(pid, "SIGKILL");
    await waitUntil(() => pidsNaming(dir).length === 0, 5_000, 50);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Processes one of whose arguments is, or lies under, `dir`. */
function pidsNaming(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const args = readFileSync(join("/proc", entry, "cmdline"), "utf8").split("\0");
      if (args.some((arg) => arg === dir || arg.startsWith(`${dir}/`))) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Rewrite one [site] line of the shipped PgBouncer config; the line must be there exactly once. */
const replaceOnce = (text: string, line: string, replacement: string): string => {
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (l.trim() === line ? [i] : []));
  if (at.length !== 1) throw new Error(`${PGBOUNCER_CONFIG}: expected the line "${line}" once, found it ${at.length} times`);
  lines[at[0]!] = replacement;
  return lines.join("\n");
};

/** A process we started, its output appended to its log (a restarted one keeps its predecessor's lines). */
const spawnLogged = (cmd: string[], logPath: string, env: Record<string, string | undefined> = process.env): Subprocess => {
  const fd = openSync(logPath, "a");
  try {
    return Bun.spawn(cmd, { env, stdin: "ignore", stdout: fd, stderr: fd });
  } finally {
    closeSync(fd);
  }
};

const exited = (proc: Subprocess): boolean => proc.exitCode !== null || proc.signalCode !== null;

/** TCP connect to host:port. */
const reachable = async (hostname: string, port: number): Promise<boolean> => {
  try {
    const socket = await Bun.connect({ hostname, port, socket: { data() {}, error() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
};

/** Start the whole topology; on failure everything started so far is stopped again before the error propagates. */
export async function startTopology(options: TopologyOptions = {}): Promise<Topology> {
  await reapStaleTopologies();
  const dir = join(tmpdir(), `${RUN_PREFIX}${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o711);
  writeFileSync(join(dir, "owner.pid"), `${process.pid}\n`);
  const cleanups: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      for (let next = cleanups.pop(); next; next = cleanups.pop()) {
        await next().catch((error: unknown) => log(`topology cleanup failed: ${String(error)}`));
      }
      for (const pid of pidsNaming(dir)) signalSafe(pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    return await build(dir, options, (cleanup) => void cleanups.push(cleanup), stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

async function build(
  dir: string,
  options: TopologyOptions,
  defer: (cleanup: () => Promise<void>) => void,
  stop: () => Promise<void>,
): Promise<Topology> {
  const network = await createNetwork(NODE_COUNT);
  defer(() => network.destroy());
  const gateway = network.gateway;
  const [pgPort, pgBouncerPort, redisPort, haproxyPort, statsPort] = (await distinctPorts(5, options.haproxyPort)) as [number, number, number, number, number];

  // PostgreSQL: the harness's throwaway cluster, on 127.0.0.1 only: nothing but PgBouncer talks to it.
  await startPostgres(dir, pgPort, defer);

  // PgBouncer: the shipped config, its [site] lines pointed at this run.
  const password = randomBytes(12).toString("hex");
  const authFile = join(dir, "pgbouncer-users.txt");
  writeFileSync(authFile, `"xcord" "${password}"\n`, { mode: 0o644 });
  let ini = readFileSync(PGBOUNCER_CONFIG, "utf8");
  ini = replaceOnce(ini, "* = host=postgres port=5432", `* = host=127.0.0.1 port=${pgPort}`);
  ini = replaceOnce(ini, "listen_addr = 0.0.0.0", `listen_addr = ${gateway}`);
  ini = replaceOnce(ini, "listen_port = 6432", `listen_port = ${pgBouncerPort}`);
  ini = replaceOnce(ini, "auth_file = /etc/pgbouncer/userlist.txt", `auth_file = ${authFile}`);
  const iniPath = join(dir, "pgbouncer.ini");
  writeFileSync(iniPath, ini, { mode: 0o644 });
  const wrap = await userWrapper(isRoot() ? await ensureServiceUser() : null);
  let pgBouncer: Subprocess | null = null;
  const startPgBouncer = async () => {
    const proc = spawnLogged(wrap([PGBOUNCER_BIN, iniPath]), join(dir, "pgbouncer.log"));
    pgBouncer = proc;
    const up = await waitUntil(async () => exited(proc) || (await reachable(gateway, pgBouncerPort)), 10_000, 50);
    if (!up || exited(proc)) throw new Error(`pgbouncer did not start; log tail:\n${tail(join(dir, "pgbouncer.log"))}`);
  };
  const stopPgBouncer = async () => {
    if (pgBouncer) await terminate(pgBouncer.pid, "SIGTERM", 5_000);
    pgBouncer = null;
  };
  defer(stopPgBouncer);
  await startPgBouncer();

  // Redis on the bridge (the nodes) and loopback (redis-cli), with a data directory so a restart keeps its data.
  const redisDir = join(dir, "redis");
  mkdirSync(redisDir);
  let redis: Subprocess | null = null;
  const redisCli = (...args: string[]) => run(["redis-cli", "-h", gateway, "-p", String(redisPort), ...args]);
  const startRedis = async () => {
    const args = ["redis-server", "--port", String(redisPort), "--bind", gateway, "127.0.0.1", "--protected-mode", "no"];
    const proc = spawnLogged([...args, "--save", "", "--appendonly", "no", "--dir", redisDir], join(dir, "redis.log"));
    redis = proc;
    const up = await waitUntil(async () => exited(proc) || (await redisCli("ping")).output.includes("PONG"), 10_000, 50);
    if (!up || exited(proc)) throw new Error(`redis-server did not start; log tail:\n${tail(join(dir, "redis.log"))}`);
  };
  const stopRedis = async () => {
    if (!redis) return;
    const proc = redis;
    redis = null;
    await redisCli("shutdown", "save");
    await terminate(proc.pid, "SIGTERM", 5_000);
  };
  defer(stopRedis);
  await startRedis();

  // The nodes, each in its namespace, listening on its own address.
  const jwtSecret = randomBytes(32).toString("hex");
  const url = `http://127.0.0.1:${haproxyPort}`;
  const nodes = network.hosts.map((host) =>
    topologyNode(dir, network, host, {
      NODE_ID: String(host.index),
      HOST: "0.0.0.0",
      PORT: String(NODE_PORT),
      DATABASE_URL: `postgres://xcord:${password}@${gateway}:${pgBouncerPort}/xcord?pgbouncer=true`,
      REDIS_URL: `redis://${gateway}:${redisPort}`,
      JWT_SECRET: jwtSecret,
      PUBLIC_URL: url,
      TRUST_PROXY: "true",
      DATA_DIR: join(dir, `node-${host.index}`),
      MEDIASOUP_WORKERS: "0",
      LOG_LEVEL: "info",
      LOG_PRETTY: "false",
      ...options.nodeEnv,
    }),
  );
  defer(async () => void (await Promise.all(nodes.map((node) => node.stop(5_000)))));
  // The first node migrates the database (through PgBouncer); the others start once it is done.
  await nodes[0]!.start();
  await Promise.all(nodes.slice(1).map((node) => node.start()));

  // HAProxy: the shipped config as is, addresses from the environment.
  const haproxyLog = join(dir, "haproxy.log");
  const haproxyEnv: Record<string, string | undefined> = {
    ...process.env,
    HAPROXY_BIND: `127.0.0.1:${haproxyPort}`,
    HAPROXY_STATS_BIND: `127.0.0.1:${statsPort}`,
    ...Object.fromEntries(network.hosts.map((host) => [`XCORD_NODE_${host.index}`, `${host.address}:${NODE_PORT}`])),
  };
  const haproxy = spawnLogged(["haproxy", "-db", "-f", HAPROXY_CONFIG, "-p", join(dir, "haproxy.pid")], haproxyLog, haproxyEnv);
  defer(() => terminate(haproxy.pid, "SIGTERM", 5_000));
  const statsUrl = `http://127.0.0.1:${statsPort}`;
  // Ready once every node is up in HAProxy's own view (its checks passed twice).
  const allUp = async () => {
    try {
      const csv = await (await fetch(`${statsUrl}/stats;csv`, { signal: AbortSignal.timeout(1_000) })).text();
      return csv.split("\n").filter((line) => line.startsWith("xcord_nodes,xcord-") && line.split(",")[17] === "UP").length === NODE_COUNT;
    } catch {
      return false;
    }
  };
  if (!(await waitUntil(async () => exited(haproxy) || (await allUp()), 15_000, 100)) || exited(haproxy)) {
    throw new Error(`haproxy did not see every node up; log tail:\n${tail(haproxyLog)}`);
  }
  return { dir, url, statsUrl, network, nodes, stopPgBouncer, startPgBouncer, stopRedis, startRedis, stop };
}

/** `count` distinct free loopback ports, the one at `at` being `fixed` when given. */
async function distinctPorts(count: number, fixed?: number, at = 3): Promise<number[]> {
  const ports: number[] = fixed === undefined ? [] : [fixed];
  while (ports.length < count) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  if (fixed !== undefined) ports.splice(at, 0, ports.shift()!);
  return ports;
}

function topologyNode(dir: string, network: Network, host: NetHost, env: Record<string, string>): TopologyNode {
  const name = `xcord-${host.index}`;
  const url = `http://${host.address}:${NODE_PORT}`;
  const logPath = join(dir, `${name}.log`);
  let proc: Subprocess | null = null;
  const running = () => proc !== null && !exited(proc);
  return {
    name,
    host,
    url,
    logPath,
    running,
    async start() {
      if (running()) throw new Error(`${name} is already running`);
      const logFd = openSync(logPath, "a");
      const child = Bun.spawn(network.exec(host, [process.execPath, "run", MAIN]), {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
        cwd: ROOT,
        stdin: "ignore",
        stdout: logFd,
        stderr: "pipe",
      });
      closeSync(logFd);
      proc = child;
      let stderr = "";
      void (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
      })();
      const ready = async () => {
        try {
          return (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1_000) })).status === 200;
        } catch {
          return false;
        }
      };
      if (!(await waitUntil(async () => exited(child) || (await ready()), 60_000, 100)) || exited(child)) {
        throw new Error(`${name} did not become ready: ${stderr}\n${tail(logPath)}`);
      }
    },
    async stop(graceMs = 30_000) {
      const child = proc;
      if (!child || exited(child)) return child?.exitCode ?? null;
      signalSafe(child.pid, "SIGTERM");
      const done = await Promise.race([child.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!done) {
        log(`${name} did not exit ${graceMs} ms after SIGTERM; killing it`);
        signalSafe(child.pid, "SIGKILL");
        await child.exited;
      }
      return child.exitCode;
    },
  };
}
