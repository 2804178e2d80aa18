/**
 * Run by `bun install` (postinstall): makes the migrated template the embedded database starts from, so the first
 * `bun run start` skips PGlite's initdb (src/shared/infrastructure/postgres/pglite-template.ts). Only a cache:
 * it never fails the install.
 */
import { createPgliteDatabase } from "../src/shared/infrastructure/postgres/database";

try {
  const started = performance.now();
  const database = await createPgliteDatabase("memory://");
  await database.migrate();
  await database.close();
  console.error(`[xcord] embedded database template ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  console.error(`[xcord] embedded database template not made (${error instanceof Error ? error.message : String(error)}); the first start will make it`);
}
