/**
 * `bun run migrate`: applies the SQL migrations in drizzle/ to DATABASE_URL (or the embedded PGlite in
 * DATA_DIR), then exits. Safe to run from several nodes at once: migrations take an advisory lock.
 */
import { ConfigError, loadConfig } from "../src/shared/infrastructure/config";
import { createPgliteDatabase, createPostgresDatabase } from "../src/shared/infrastructure/postgres/database";

let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  for (const problem of error.problems) console.error(`config: ${problem}`);
  process.exit(1);
}

const database = config.databaseUrl
  ? createPostgresDatabase(config.databaseUrl, 1)
  : await createPgliteDatabase(config.dataDir);
const started = performance.now();
console.log(`migrating ${database.kind === "postgres" ? "PostgreSQL" : `PGlite in ${config.dataDir}`} …`);
try {
  await database.migrate();
  console.log(`migrations applied in ${Math.round(performance.now() - started)} ms`);
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
