/** Throwaway Redis for the test run, plus teardown of any Redis a test restarted on the same port. */
import { join } from "node:path";
import { canConnect, type Defer, isAlive, log, processName, readPidFile, run, tail, terminate, waitUntil } from "./proc";

/** A running test Redis. */
export interface RedisServer {
  port: number;
  url: string;
  pidfile: string;
  stop: () => Promise<void>;
}

/** Command line shared by the harness and tests/support/redis-control.ts (keep them in sync). */
export function redisArgs(port: number, dir: string, pidfile: string): string[] {
  return ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--pidfile", pidfile];
}

/** Start redis-server as a child process (stop() registered with `defer`) and wait, bounded, until it accepts connections. */
export async function startRedis(tmp: string, port: number, defer: Defer): Promise<RedisServer> {
  const pidfile = join(tmp, "redis.pid");
  const logPath = join(tmp, "redis.log");
  const proc = Bun.spawn(redisArgs(port, tmp, pidfile), { cwd: tmp, stdin: "ignore", stdout: Bun.file(logPath), stderr: Bun.file(logPath) });
  let stopped: Promise<void> | null = null;
  const stop = () => (stopped ??= stopAll(proc.pid, port, pidfile));
  defer(stop);
  const running = () => proc.exitCode === null && proc.signalCode === null;
  const ready = await waitUntil(async () => !running() || (await canConnect(port)), 10_000);
  if (!ready || !running()) {
    throw new Error(`redis-server did not start on port ${port}; log tail:\n${tail(logPath)}`);
  }
  return { port, url: `redis://127.0.0.1:${port}`, pidfile, stop };
}

/** Stop our child, whatever Redis the pidfile now names, and (last resort) whatever still answers on the port. */
async function stopAll(childPid: number, port: number, pidfile: string): Promise<void> {
  await terminate(childPid, "SIGTERM", 5_000);
  const restarted = readPidFile(pidfile);
  if (restarted !== null && isAlive(restarted) && processName(restarted).startsWith("redis")) {
    log(`stopping redis-server pid ${restarted} restarted by a test`);
    await terminate(restarted, "SIGTERM", 5_000);
  }
  if (await canConnect(port)) {
    log(`something still answers on redis port ${port}; sending SHUTDOWN NOSAVE`);
    await run(["redis-cli", "-h", "127.0.0.1", "-p", String(port), "shutdown", "nosave"]);
  }
}
