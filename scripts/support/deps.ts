/** Locates (and, as root, installs) the PostgreSQL 15, Redis and PgBouncer binaries and discord.py, which the harness needs. */
import { existsSync } from "node:fs";
import { log, runInherit } from "./proc";

/** Where Debian's postgresql-15 package puts the server binaries. */
export const PG_BIN = "/usr/lib/postgresql/15/bin";

/** Where Debian's pgbouncer package puts the daemon. */
export const PGBOUNCER_BIN = "/usr/sbin/pgbouncer";

/** Thrown when a dependency is missing and cannot be installed from here; carries a user-facing message. */
export class MissingDependency extends Error {}

/** One external dependency: how to detect it and which Debian package provides it. */
interface Requirement {
  what: string;
  pkg: string;
  present: () => boolean;
  /** Set for a dependency the run can go without: what is lost when it is missing. */
  without?: string;
}

const PG_TOOLS = ["initdb", "pg_ctl", "postgres", "pg_isready", "createdb"];

const REQUIREMENTS: Requirement[] = [
  { what: `PostgreSQL 15 server binaries (${PG_BIN}/{${PG_TOOLS.join(",")}})`, pkg: "postgresql-15", present: () => PG_TOOLS.every((t) => existsSync(`${PG_BIN}/${t}`)) },
  { what: "redis-server and redis-cli on PATH", pkg: "redis-server", present: () => Bun.which("redis-server") !== null && Bun.which("redis-cli") !== null },
  {
    what: "discord.py for /usr/bin/python3 (the Discord-compatibility test runs an unmodified discord.py bot)",
    pkg: "python3-discord",
    present: () => existsSync("/usr/lib/python3/dist-packages/discord/__init__.py") && existsSync("/usr/bin/python3"),
  },
  { what: `PgBouncer (${PGBOUNCER_BIN})`, pkg: "pgbouncer", present: () => existsSync(PGBOUNCER_BIN), without: "PGBOUNCER_URL is not exported and the PgBouncer tests skip" },
  {
    what: "HAProxy (haproxy on PATH)",
    pkg: "haproxy",
    present: () => Bun.which("haproxy") !== null,
    without: "the topology suite (tests/topology: three nodes in network namespaces behind HAProxy) skips and `bun run cluster` cannot run",
  },
];

/** True when the harness runs as root. */
export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Make sure every requirement is present: install missing ones via apt-get as root, otherwise explain and throw.
 * An optional one (`without`) that stays missing is only logged, with what the run loses.
 */
export async function ensureDependencies(): Promise<void> {
  const missing = REQUIREMENTS.filter((r) => !r.present());
  if (missing.length === 0) return;
  const required = missing.filter((r) => r.without === undefined);
  const optional = missing.filter((r) => r.without !== undefined);
  if (required.length > 0) {
    const pkgs = required.map((r) => r.pkg);
    if (!isRoot()) {
      const lines = required.map((r) => `  missing ${r.what}: install the Debian package ${r.pkg}`);
      throw new MissingDependency(`${lines.join("\n")}\n  e.g. sudo apt-get install -y ${pkgs.join(" ")}`);
    }
    await aptInstall(pkgs);
    const still = required.filter((r) => !r.present());
    if (still.length > 0) throw new MissingDependency(`still missing after apt-get install: ${still.map((r) => r.pkg).join(" ")}`);
  }
  // Installed separately: a package that cannot be installed here must not cost the required ones.
  if (optional.length > 0 && isRoot()) await aptInstall(optional.map((r) => r.pkg)).catch((error: unknown) => log(String(error)));
  for (const r of optional.filter((r) => !r.present())) log(`missing ${r.what} (Debian package ${r.pkg}): ${r.without}`);
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
