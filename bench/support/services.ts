/** PostgreSQL and Redis for a benchmark run, started like the test harness does and always stopped. */
import { ensureDependencies } from "../../scripts/support/deps";
import { startPostgres } from "../../scripts/support/postgres";
import { freePort } from "../../scripts/support/proc";
import { startRedis } from "../../scripts/support/redis";
import { makeRunDir, removeRunDir } from "../../scripts/support/tmpdir";

export interface Services {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  stop(): Promise<void>;
}

/** Starts throwaway PostgreSQL 15 and Redis on free loopback ports; `stop()` tears both down. */
export const startServices = async (): Promise<Services> => {
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
    return { databaseUrl: pg.url, redisUrl: redis.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
