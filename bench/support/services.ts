/** PostgreSQL and Redis for a benchmark run, started like the test harness does and always stopped. */
import { ensureDependencies } from "../../scripts/support/deps";
import { startPgBouncer } from "../../scripts/support/pgbouncer";
import { startPostgres } from "../../scripts/support/postgres";
import { freePort } from "../../scripts/support/proc";
import { startRedis } from "../../scripts/support/redis";
import { makeRunDir, removeRunDir } from "../../scripts/support/tmpdir";

export interface Services {
  readonly databaseUrl: string;
  /** PgBouncer (transaction mode) in front of the same PostgreSQL, `?pgbouncer=true`; with `{ pgbouncer: true }`. */
  readonly pgbouncerUrl?: string;
  readonly redisUrl: string;
  stop(): Promise<void>;
}

/** Starts throwaway PostgreSQL 15 and Redis (and PgBouncer when asked) on free loopback ports; `stop()` tears all down. */
export const startServices = async (options: { readonly pgbouncer?: boolean } = {}): Promise<Services> => {
  await ensureDependencies();
  const dir = makeRunDir();
  const cleanups: Array<() => Promise<void>> = [];
  const defer = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);
  const stop = async () => {
    for (let next = cleanups.pop(); next; next = cleanups.pop()) await next().catch(() => {});
    removeRunDir(dir);
  };
  try {
    const [pg, redis] = await Promise.all([startPostgres(dir, await freePort(), defer), startRedis(dir, await freePort(), defer)]);
    const pgbouncer = options.pgbouncer ? await startPgBouncer(dir, await freePort(), pg.port, defer) : undefined;
    return { databaseUrl: pg.url, redisUrl: redis.url, ...(pgbouncer ? { pgbouncerUrl: pgbouncer.url } : {}), stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
