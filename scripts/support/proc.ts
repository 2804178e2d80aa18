/** Process, polling and port helpers shared by the test harness. */
import { existsSync, readFileSync } from "node:fs";
import net from "node:net";

/** Result of a finished command: exit code plus captured output. */
export interface RunResult {
  code: number;
  output: string;
}

/** Registers a cleanup to run at teardown (latest first). */
export type Defer = (cleanup: () => Promise<void>) => void;

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Log a harness message to stderr with a recognisable prefix. */
export function log(message: string): void {
  process.stderr.write(`[harness] ${message}\n`);
}

/** Run a command to completion, capturing stdout+stderr (never throws on non-zero exit). */
export async function run(cmd: string[], opts: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<RunResult> {
  try {
    const proc = Bun.spawn(cmd, { cwd: opts.cwd, env: opts.env ?? process.env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, output: out + err };
  } catch (error) {
    return { code: 127, output: String(error) };
  }
}

/** Run a command and throw with its output when it fails. */
export async function mustRun(cmd: string[], opts: { cwd?: string } = {}): Promise<string> {
  const result = await run(cmd, opts);
  if (result.code !== 0) throw new Error(`command failed (${result.code}): ${cmd.join(" ")}\n${result.output}`);
  return result.output;
}

/** Run a command with the terminal attached (output streams live); returns its exit code. */
export async function runInherit(cmd: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const proc = Bun.spawn(cmd, { env, stdin: "ignore", stdout: "inherit", stderr: "inherit" });
  return proc.exited;
}

/** True when `pid` names a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync("/proc/self/stat")) {
    try {
      const state = readFileSync(stat, "utf8").split(") ")[1]?.[0];
      return state !== undefined && state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Name of the executable running as `pid` ("" when unknown). */
export function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Poll `check` every `intervalMs` until it returns true or `timeoutMs` elapses; returns the last answer. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/** Send `signal`, wait up to `graceMs` for exit, then SIGKILL; resolves once the process is gone. */
export async function terminate(pid: number, signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  signalSafe(pid, signal);
  if (await waitUntil(() => !isAlive(pid), graceMs, 50)) return;
  log(`pid ${pid} ignored ${signal} for ${graceMs} ms; sending SIGKILL`);
  signalSafe(pid, "SIGKILL");
  await waitUntil(() => !isAlive(pid), 5_000, 50);
}

/** process.kill that ignores "no such process". */
export function signalSafe(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Read the first line of a pid file as a number (null when absent or malformed). */
export function readPidFile(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, "utf8").split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Ask the kernel for a currently free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("could not allocate a port"))));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function canConnect(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Last `lines` lines of a text file, for error reports. */
export function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
