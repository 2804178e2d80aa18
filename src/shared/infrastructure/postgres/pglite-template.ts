import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";

/**
 * A new PGlite database spends 4–6 s in initdb (PostgreSQL compiled to WebAssembly) before the first migration runs:
 * most of a first `bun run start`, and of every embedded test server. A migrated, empty data directory, kept as a
 * tarball and loaded with PGlite's `loadDataDir`, starts in under 2 s. The tarball is keyed by the PGlite version and
 * the migrations, so a new release or migration never loads a stale one; it is written by `bun install`
 * (scripts/prepare-embedded-db.ts) or by the first start that had to run initdb, and it is only a cache: without it
 * (a read-only node_modules, say) the database is created the slow way.
 */
export interface PgliteTemplate {
  /** The tarball for this PGlite version and these migrations, if one was made. */
  load(): Blob | undefined;
  /** Keeps `client`'s data directory (just created and migrated, holding no data) as the tarball. */
  save(client: PGlite): Promise<void>;
}

const CACHE_DIR = resolve(import.meta.dir, "../../../../node_modules/.cache/xcord");

/** The version of PGlite and every migration file, hashed: a change to any gives another template. */
const templateKey = (migrationsFolder: string): string => {
  const hash = createHash("sha256");
  const { version } = require("@electric-sql/pglite/package.json") as { version: string };
  hash.update(`pglite ${version}\n`);
  const files = [
    ...readdirSync(migrationsFolder).filter((name) => name.endsWith(".sql")),
    join("meta", "_journal.json"),
  ].sort();
  for (const file of files) hash.update(`${file}\n`).update(readFileSync(join(migrationsFolder, file)));
  return hash.digest("hex").slice(0, 16);
};

export const pgliteTemplate = (migrationsFolder: string, cacheDir = CACHE_DIR): PgliteTemplate => {
  const path = join(cacheDir, `pglite-template-${templateKey(migrationsFolder)}.tar.gz`);
  return {
    load: () => (existsSync(path) ? Bun.file(path) : undefined),
    async save(client) {
      const tarball = await client.dumpDataDir("gzip");
      mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a concurrent start never loads half a tarball.
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        await Bun.write(temporary, tarball);
        renameSync(temporary, path);
      } finally {
        if (existsSync(temporary)) unlinkSync(temporary);
      }
    },
  };
};
