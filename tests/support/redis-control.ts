/**
 * Fault injection for tests: stop and restart the harness's Redis on the same port.
 * Relies on XCORD_TEST_REDIS_PORT / _DIR / _PIDFILE exported by scripts/test.ts; the harness
 * kills whatever Redis the pidfile names at teardown, so restarted servers never leak.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";

/** Where and how the harness's Redis runs. */
interface RedisTarget {
  port: number;
  dir: string;
  pidfile: string;
}

const TIMEOUT_MS = 10_000;

/** True when the harness exported what stopRedis()/startRedis() need and redis-server is installed. */
export function redisControlAvailable(): boolean {
  return target() !== null && Bun.which("redis-server") !== null;
}

/**
 * Shut the Redis on XCORD_TEST_REDIS_PORT down and wait until the port refuses connections. By default its data
 * is lost (a cache-style Redis); with `save: true` it writes a snapshot first, which startRedis() loads again
 * (a Redis with persistence, restarted).
 */
export async function stopRedis(options: { save?: boolean } = {}): Promise<void> {
  const { port, pidfile, dir } = requireTarget();
  if (!(await pingRedis(port))) return;
  // A snapshot left by an earlier saving stop must not come back after this one.
  if (!options.save) rmSync(join(dir, "dump.rdb"), { force: true });
  await redisCommand(port, ["SHUTDOWN", options.save ? "SAVE" : "NOSAVE"]).catch(() => undefined); // the connection drops on success
  const pid = readPid(pidfile);
  await waitFor(async () => !(await pingRedis(port)) && (pid === null || !alive(pid)), `redis on port ${port} to stop`);
}

/** Start Redis again on the same port (daemonized, same pidfile) and wait until it answers PING. */
export async function startRedis(): Promise<void> {
  const { port, dir, pidfile } = requireTarget();
  if (await pingRedis(port)) return;
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
  const daemon = ["--pidfile", pidfile, "--daemonize", "yes", "--logfile", join(dir, "redis-restarted.log")];
  const proc = Bun.spawn(["redis-server", ...args, ...daemon], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited; // the foreground process exits once the daemon has forked
  if (code !== 0) throw new Error(`redis-server exited ${code}: ${await new Response(proc.stderr).text()}`);
  await waitFor(() => pingRedis(port), `redis on port ${port} to answer PING`);
}

/** Freeze (SIGSTOP) the harness's Redis: connections stay open but nothing is answered, like a hung server. */
export function pauseRedis(): void {
  const pid = readPid(requireTarget().pidfile);
  if (pid === null) throw new Error("no redis pid to pause");
  process.kill(pid, "SIGSTOP");
}

/** Thaw a Redis frozen by pauseRedis(). */
export function resumeRedis(): void {
  const pid = readPid(requireTarget().pidfile);
  if (pid !== null) process.kill(pid, "SIGCONT");
}

/** True when a Redis on 127.0.0.1:`port` answers PING with PONG. */
export async function pingRedis(port: number): Promise<boolean> {
  try {
    return (await redisCommand(port, ["PING"])).startsWith("+PONG");
  } catch {
    return false;
  }
}

/** Send one RESP command and resolve with the first reply line (rejects on connect error/timeout/close). */
function redisCommand(port: number, words: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const fail = (why: unknown) => {
      socket.destroy();
      reject(why instanceof Error ? why : new Error(String(why)));
    };
    socket.setTimeout(1_000, () => fail("timeout"));
    socket.once("error", fail);
    socket.once("close", () => fail("closed"));
    socket.once("data", (data) => {
      socket.removeAllListeners("close");
      socket.destroy();
      resolve(data.toString("utf8"));
    });
    socket.write(`*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join("")}`);
  });
}

/** Read the harness's Redis settings from the environment (null outside the harness). */
function target(): RedisTarget | null {
  const port = Number(process.env.XCORD_TEST_REDIS_PORT);
  const dir = process.env.XCORD_TEST_REDIS_DIR;
  if (!Number.isInteger(port) || port <= 0 || !dir || !existsSync(dir)) return null;
  return { port, dir, pidfile: process.env.XCORD_TEST_REDIS_PIDFILE ?? join(dir, "redis.pid") };
}

/** target(), or a clear error telling the author to run through `bun run test`. */
function requireTarget(): RedisTarget {
  const found = target();
  if (!found) throw new Error("redis control needs XCORD_TEST_REDIS_PORT/_DIR: run the suite with `bun run test`");
  return found;
}

/** Pid recorded in the pidfile, if any. */
function readPid(pidfile: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(pidfile, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True while `pid` is a live, non-zombie process. */
function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== undefined && state !== "Z";
  } catch {
    return false;
  }
}

/** Poll `check` every 50 ms for up to 10 s; throw naming `what` on timeout. */
async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}
