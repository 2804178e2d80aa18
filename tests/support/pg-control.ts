/**
 * Fault injection for tests: stop and restart the harness's PostgreSQL on the same port and data directory.
 * Relies on XCORD_TEST_PG_PORT / XCORD_TEST_PG_DIR / PG_BIN exported by scripts/test.ts. The server is started
 * again with the options it was started with (postmaster.opts); the harness stops whatever postmaster.pid names
 * at teardown, so a restarted server never leaks.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

interface PgTarget {
  port: number;
  dir: string;
  bin: string;
}

const TIMEOUT_MS = 30_000;

/** True when the harness exported what stopPostgres()/startPostgres() need. */
export function pgControlAvailable(): boolean {
  return target() !== null;
}

/**
 * Stops the server: "fast" (clients are disconnected, a clean shutdown) or "immediate" (a crash: no checkpoint,
 * recovery at the next start). Resolves once the port refuses connections.
 */
export async function stopPostgres(mode: "fast" | "immediate" = "fast"): Promise<void> {
  const { dir, bin, port } = requireTarget();
  if (!(await running(dir, bin))) return;
  await mustRun(asOwner(dir, [join(bin, "pg_ctl"), "stop", "-D", dir, "-m", mode, "-w", "-t", "20"]));
  await waitFor(async () => !(await pgReady(port)), `postgres on port ${port} to stop`);
}

/** Starts the server again with its previous options and resolves once it accepts connections. */
export async function startPostgres(): Promise<void> {
  const { dir, bin, port } = requireTarget();
  if (await running(dir, bin)) return;
  // postmaster.opts: `/path/postgres "-D" "dir" "-p" "port" ...`, each argument double-quoted.
  const opts = readFileSync(join(dir, "postmaster.opts"), "utf8").trim();
  const args = opts.slice(opts.indexOf(" ") + 1);
  const log = join(dir, "restarted.log");
  await mustRun(asOwner(dir, [join(bin, "pg_ctl"), "start", "-D", dir, "-w", "-t", "30", "-l", log, "-o", args.replace(/"-D" "[^"]*" ?/, "")]));
  await waitFor(() => pgReady(port), `postgres on port ${port} to accept connections`);
}

/** True when pg_isready says the server on `port` accepts connections. */
export async function pgReady(port = requireTarget().port): Promise<boolean> {
  const { bin } = requireTarget();
  const probe = Bun.spawn([join(bin, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", String(port), "-U", "xcord", "-d", "postgres"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  return (await probe.exited) === 0;
}

/** `pg_ctl status`: exit 0 while a server runs on the data directory, 3 when none does. */
async function running(dir: string, bin: string): Promise<boolean> {
  const proc = Bun.spawn(asOwner(dir, [join(bin, "pg_ctl"), "status", "-D", dir]), { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  return (await proc.exited) === 0;
}

/** PostgreSQL refuses to run as root: run pg_ctl as the owner of the data directory. */
function asOwner(dir: string, command: string[]): string[] {
  if (process.getuid?.() !== 0) return command;
  const uid = statSync(dir).uid;
  if (uid === 0) return command;
  const name = Bun.spawnSync(["id", "-nu", String(uid)]).stdout.toString().trim();
  return ["runuser", "-u", name, "--", ...command];
}

async function mustRun(command: string[]): Promise<void> {
  const proc = Bun.spawn(command, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`${command.join(" ")} exited ${code}:\n${out}${err}`);
}

function target(): PgTarget | null {
  const port = Number(process.env.XCORD_TEST_PG_PORT);
  const dir = process.env.XCORD_TEST_PG_DIR;
  const bin = process.env.PG_BIN;
  if (!Number.isInteger(port) || port <= 0 || !dir || !bin || !existsSync(join(dir, "postmaster.opts"))) return null;
  return { port, dir, bin };
}

function requireTarget(): PgTarget {
  const found = target();
  if (!found) throw new Error("postgres control needs XCORD_TEST_PG_PORT/_DIR and PG_BIN: run the suite with `bun run test`");
  return found;
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}
