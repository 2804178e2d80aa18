/** The `bun run test` harness hands every suite a live PostgreSQL 15 and Redis, and lets tests bounce Redis. */
import { describe, expect, test } from "bun:test";
import Redis from "ioredis";
import postgres from "postgres";
import { pingRedis, redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";

describe("test harness environment", () => {
  test("exports DATABASE_URL and REDIS_URL", () => {
    expect(process.env.DATABASE_URL).toStartWith("postgres://");
    expect(process.env.REDIS_URL).toStartWith("redis://");
  });

  test("PostgreSQL 15 answers on DATABASE_URL", async () => {
    const sql = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql`select current_database() as db, current_setting('server_version_num')::int as version`;
      expect(row?.db).toBe("xcord");
      expect(Math.floor(Number(row?.version) / 10_000)).toBe(15);
    } finally {
      await sql.end();
    }
  });

  test("Redis answers on REDIS_URL", async () => {
    const redis = new Redis(process.env.REDIS_URL ?? "", { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
  });

  test("Redis can be stopped and restarted on the same port", async () => {
    expect(redisControlAvailable()).toBe(true);
    const port = Number(process.env.XCORD_TEST_REDIS_PORT);
    await stopRedis();
    expect(await pingRedis(port)).toBe(false);
    await startRedis();
    expect(await pingRedis(port)).toBe(true);
  });
});
