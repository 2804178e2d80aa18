/** Per-run temp directory, and reaping of directories (and servers) left by harness runs that were SIGKILLed. */
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive, log, processName, readPidFile, terminate } from "./proc";

const PREFIX = "xcord-test-";
const OWNER_FILE = "harness.pid";

/** Create `$TMPDIR/xcord-test-XXXXXX`, traversable by the unprivileged PostgreSQL user, owned by this process. */
export function makeRunDir(): string {
  const dir = mkdtempSync(join(tmpdir(), PREFIX));
  chmodSync(dir, 0o711);
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  return dir;
}

/** Delete a run directory (best effort). */
export function removeRunDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Stop servers and delete directories of earlier runs whose harness process no longer exists. */
export async function reapStaleRuns(): Promise<void> {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(tmpdir(), name);
    const owner = readPidFile(join(dir, OWNER_FILE));
    if (owner === null || isAlive(owner)) continue; // in use, or still being set up
    log(`reaping leftovers of dead harness run ${dir}`);
    await killIfNamed(readPidFile(join(dir, "bun-test.pid")), "bun", "SIGTERM");
    await killIfNamed(readPidFile(join(dir, "pg", "postmaster.pid")), "postgres", "SIGINT");
    await killIfNamed(readPidFile(join(dir, "redis.pid")), "redis", "SIGTERM");
    // PgBouncer runs as the service user, which cannot write a pid file here: find it by its config file.
    for (const pid of pidsRunning(join(dir, "pgbouncer.ini"))) await killIfNamed(pid, "pgbouncer", "SIGTERM");
    removeRunDir(dir);
  }
}

/** Processes whose command line names `argument`. */
function pidsRunning(argument: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(join("/proc", entry, "cmdline"), "utf8").split("\0").includes(argument)) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/** Terminate `pid` only if it still runs an executable whose name starts with `name` (guards against pid reuse). */
async function killIfNamed(pid: number | null, name: string, signal: NodeJS.Signals): Promise<void> {
  if (pid !== null && isAlive(pid) && processName(pid).startsWith(name)) await terminate(pid, signal, 5_000);
}
