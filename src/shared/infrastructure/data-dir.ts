import { dlopen, FFIType } from "bun:ffi";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "./config";

/**
 * DATA_DIR ownership. The embedded database (PGlite) keeps its pages in the process and writes them back on its own
 * schedule, so two processes on one directory silently lose each other's writes. One process owns a DATA_DIR: it
 * takes an exclusive flock(2) on `DATA_DIR/xcord.lock` before anything in the directory is opened. The kernel drops
 * the lock when the process ends however it ends (SIGKILL and power loss included), so there is no stale lock to
 * clean up, unlike a PID file.
 */
export interface DataDirLock {
  /** Records the port this node serves on, so that a process refused the lock can say which node holds it. */
  recordPort(port: number): void;
  /** Releases the lock (at shutdown, after the database is closed). */
  release(): void;
}

const LOCK_FILE = "xcord.lock";
const LOCK_EX = 2;
const LOCK_NB = 4;

/** flock(2) from the C library; Node's fs has no advisory locks. */
const flock = (() => {
  let symbol: ((fd: number, operation: number) => number) | undefined;
  return (fd: number, operation: number): number => {
    symbol ??= dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", {
      flock: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    }).symbols.flock as (fd: number, operation: number) => number;
    return symbol(fd, operation);
  };
})();

const problem = (message: string) => new ConfigError([`DATA_DIR: ${message}`]);

/**
 * Makes sure `dir` is a writable directory, creating it (but not its parents: a missing parent is usually an
 * unmounted volume, and data written beside it would vanish when the volume appears).
 */
export const prepareDataDir = (dir: string): void => {
  const absolute = resolve(dir);
  const stats = statSync(absolute, { throwIfNoEntry: false });
  if (stats && !stats.isDirectory()) throw problem(`${dir} is not a directory`);
  if (!stats) {
    const parent = dirname(absolute);
    if (!statSync(parent, { throwIfNoEntry: false })?.isDirectory()) {
      throw problem(`${dir} does not exist and neither does its parent ${parent}; create the parent or set DATA_DIR elsewhere`);
    }
    try {
      mkdirSync(absolute);
    } catch (error) {
      throw problem(`cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check the permissions of ${parent}`);
    }
  }
  // A real write, not access(2): that says yes to root on a read-only mount.
  const probe = join(absolute, `.xcord-write-test-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch {
    throw problem(`${dir} is not writable by this user (uid ${process.getuid?.() ?? "?"}); fix its permissions or set DATA_DIR elsewhere`);
  }
};

/** Who holds a lock, as the holder wrote it into the lock file. */
interface LockHolder {
  readonly pid: number;
  readonly port?: number;
  readonly startedAt?: string;
}

const describeHolder = (path: string): string => {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    const details = [holder.port !== undefined ? `port ${holder.port}` : "", holder.startedAt ? `since ${holder.startedAt}` : ""].filter(Boolean);
    return `XCord process ${holder.pid}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
  } catch {
    return "another XCord process";
  }
};

/** Takes DATA_DIR's lock or throws a ConfigError naming the process that holds it. */
export const lockDataDir = (dir: string): DataDirLock => {
  const path = join(dir, LOCK_FILE);
  // "a+" never truncates: the holder's description stays readable until this process owns the lock.
  const fd = openSync(path, "a+", 0o600);
  if (flock(fd, LOCK_EX | LOCK_NB) !== 0) {
    closeSync(fd);
    throw problem(`${dir} is in use by ${describeHolder(path)}; stop it, or give this node another DATA_DIR`);
  }
  const startedAt = new Date().toISOString();
  const describe = (holder: LockHolder) => {
    ftruncateSync(fd, 0);
    writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  };
  describe({ pid: process.pid, startedAt });
  let released = false;
  return {
    recordPort(port) {
      if (!released) describe({ pid: process.pid, port, startedAt });
    },
    release() {
      if (released) return;
      released = true;
      closeSync(fd); // closing the descriptor drops the flock
    },
  };
};
