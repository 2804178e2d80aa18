/** Throwaway PostgreSQL 15 cluster: initdb into a temp dir, run `postgres` in the foreground, stop it by pid. */
import { chmodSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { isRoot, PG_BIN } from "./deps";
import { type Defer, isAlive, log, mustRun, readPidFile, run, tail, terminate, waitUntil } from "./proc";

/** A running test cluster. */
export interface PgServer {
  port: number;
  url: string;
  stop: () => Promise<void>;
}

const SERVER_SETTINGS = [
  "listen_addresses=127.0.0.1",
  "fsync=off",
  "synchronous_commit=off",
  "full_page_writes=off",
  "max_connections=300",
  "shared_buffers=128MB",
];

/** initdb + start + createdb; stop() is registered with `defer` as soon as the server is spawned. */
export async function startPostgres(tmp: string, port: number, defer: Defer): Promise<PgServer> {
  const user = isRoot() ? await ensureServiceUser() : null;
  const dataDir = join(tmp, "pg");
  mkdirSync(dataDir, { mode: 0o700 });
  if (user) await mustRun(["chown", `${user}:`, dataDir]);
  const wrap = await userWrapper(user);
  await initCluster(wrap, tmp, dataDir);
  const logPath = join(tmp, "postgres.log");
  const settings = SERVER_SETTINGS.flatMap((s) => ["-c", s]);
  const proc = Bun.spawn(wrap([`${PG_BIN}/postgres`, "-D", dataDir, "-p", String(port), "-k", dataDir, ...settings]), {
    cwd: tmp,
    stdin: "ignore",
    stdout: Bun.file(logPath),
    stderr: Bun.file(logPath),
  });
  const stop = once(() => stopCluster(dataDir, proc.pid));
  defer(stop);
  await waitReady(port, () => proc.exitCode === null && proc.signalCode === null, logPath);
  await mustRun([`${PG_BIN}/createdb`, "-h", "127.0.0.1", "-p", String(port), "-U", "xcord", "xcord"]);
  return { port, url: `postgres://xcord@127.0.0.1:${port}/xcord`, stop };
}

/** PostgreSQL (and PgBouncer) refuse root: reuse the `postgres` system user, else create `xcordtest`. */
export async function ensureServiceUser(): Promise<string> {
  if ((await run(["id", "-u", "postgres"])).code === 0) return "postgres";
  if ((await run(["id", "-u", "xcordtest"])).code !== 0) {
    const added = await run(["useradd", "--system", "--no-create-home", "xcordtest"]);
    // A concurrent harness may have created it first; only the final lookup matters.
    if ((await run(["id", "-u", "xcordtest"])).code !== 0) throw new Error(`useradd xcordtest failed:\n${added.output}`);
  }
  return "xcordtest";
}

/** Returns a function that prefixes a command so it runs as `user` (identity when null). */
export async function userWrapper(user: string | null): Promise<(cmd: string[]) => string[]> {
  if (!user) return (cmd) => cmd;
  if (Bun.which("runuser")) return (cmd) => ["runuser", "-u", user, "--", ...cmd];
  return (cmd) => ["su", "-s", "/bin/sh", user, "-c", cmd.map(shellQuote).join(" ")];
}

/** Single-quote a word for /bin/sh. */
const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** Run initdb with the C.UTF-8 locale, falling back to --no-locale. */
async function initCluster(wrap: (cmd: string[]) => string[], tmp: string, dataDir: string): Promise<void> {
  const base = [`${PG_BIN}/initdb`, "-D", dataDir, "-A", "trust", "-U", "xcord", "--encoding=UTF8", "--no-sync"];
  const first = await run(wrap([...base, "--locale=C.UTF-8"]), { cwd: tmp });
  if (first.code === 0) return;
  log("initdb with --locale=C.UTF-8 failed; retrying with --no-locale");
  emptyDir(dataDir);
  const second = await run(wrap([...base, "--no-locale"]), { cwd: tmp });
  if (second.code !== 0) throw new Error(`initdb failed:\n${first.output}\n---\n${second.output}`);
}

/** Remove a directory's contents but keep the directory (and its owner). */
function emptyDir(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  chmodSync(dir, 0o700);
}

/** Poll pg_isready (bounded, 30 s) while the server process is still alive. */
async function waitReady(port: number, running: () => boolean, logPath: string): Promise<void> {
  const probe = [`${PG_BIN}/pg_isready`, "-q", "-h", "127.0.0.1", "-p", String(port), "-U", "xcord", "-d", "postgres"];
  let exited = false;
  const ready = await waitUntil(async () => {
    exited = !running();
    return exited || (await run(probe)).code === 0;
  }, 30_000);
  if (exited || !ready) {
    throw new Error(`postgres ${exited ? "exited during startup" : "not ready after 30 s"}; log tail:\n${tail(logPath)}`);
  }
}

/** Fast-shutdown the postmaster (SIGINT, pid from postmaster.pid), then make sure the wrapper is gone too. */
async function stopCluster(dataDir: string, wrapperPid: number): Promise<void> {
  const postmaster = readPidFile(join(dataDir, "postmaster.pid"));
  // SIGTERM would be a "smart" shutdown that waits for leaked client connections; SIGINT is "fast".
  if (postmaster !== null && isAlive(postmaster)) await terminate(postmaster, "SIGINT", 10_000);
  await terminate(wrapperPid, "SIGTERM", 3_000);
}

/** Memoise an async action so repeated calls share the first run. */
function once(action: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | null = null;
  return () => (pending ??= action());
}
