/** Locates (and, as root, installs) the PostgreSQL 15 and Redis server binaries the harness needs. */
import { existsSync } from "node:fs";
import { log, runInherit } from "./proc";

/** Where Debian's postgresql-15 package puts the server binaries. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** Thrown when a dependency is missing and cannot be installed from here; carries a user-facing message. */
export class MissingDependency extends Error {}

/** One external dependency: how to detect it and which Debian package provides it. */
interface Requirement {
  what: string;
  pkg: string;
  present: () => boolean;
}

const PG_TOOLS = ["initdb", "pg_ctl", "postgres", "pg_isready", "createdb"];

const REQUIREMENTS: Requirement[] = [
  { what: `PostgreSQL 15 server binaries (${PG_BIN}/{${PG_TOOLS.join(",")}})`, pkg: "postgresql-15", present: () => PG_TOOLS.every((t) => existsSync(`${PG_BIN}/${t}`)) },
  { what: "redis-server and redis-cli on PATH", pkg: "redis-server", present: () => Bun.which("redis-server") !== null && Bun.which("redis-cli") !== null },
];

/** True when the harness runs as root. */
export const isRoot = (): boolean => process.getuid?.() === 0;

/** Make sure every requirement is present: install missing ones via apt-get as root, otherwise explain and throw. */
export async function ensureDependencies(): Promise<void> {
  const missing = REQUIREMENTS.filter((r) => !r.present());
  if (missing.length === 0) return;
  const pkgs = missing.map((r) => r.pkg);
  if (!isRoot()) {
    const lines = missing.map((r) => `  missing ${r.what}: install the Debian package ${r.pkg}`);
    throw new MissingDependency(`${lines.join("\n")}\n  e.g. sudo apt-get install -y ${pkgs.join(" ")}`);
  }
  await aptInstall(pkgs);
  const still = missing.filter((r) => !r.present());
  if (still.length > 0) throw new MissingDependency(`still missing after apt-get install: ${still.map((r) => r.pkg).join(" ")}`);
}

/** apt-get update + install the given packages, streaming apt's output. */
export async function aptInstall(pkgs: string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  log(`installing ${pkgs.join(" ")} with apt-get`);
  if ((await runInherit(["apt-get", "update"], env)) !== 0) throw new MissingDependency("apt-get update failed");
  if ((await runInherit(["apt-get", "install", "-y", ...pkgs], env)) !== 0) {
    throw new MissingDependency(`apt-get install -y ${pkgs.join(" ")} failed`);
  }
}
