/** Per-run temp directory, and reaping of directories (and servers) left by harness runs that were SIGKILLed. */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
    removeRunDir(dir);
  }
}

/** Terminate `pid` only if it still runs an executable whose name starts with `name` (guards against pid reuse). */
async function killIfNamed(pid: number | null, name: string, signal: NodeJS.Signals): Promise<void> {
  if (pid !== null && isAlive(pid) && processName(pid).startsWith(name)) await terminate(pid, signal, 5_000);
}
