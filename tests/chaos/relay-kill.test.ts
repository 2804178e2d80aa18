import { afterAll, describe, expect, test } from "bun:test";
import { Redis } from "ioredis";
import postgres from "postgres";
import { pauseRedis, redisControlAvailable, resumeRedis } from "../support/redis-control";
import { waitFor } from "../support/server";
import {
  type ChaosNode,
  checkOutcome,
  killNode,
  outboxBacklog,
  runPhases,
  startCluster,
  startLoad,
  stopClients,
  stopCluster,
  waitReady,
} from "./chaos-support";

/** The relay's transaction-scoped advisory lock (src/shared/infrastructure/postgres/outbox.ts). */
const RELAY_LOCK_KEY = 0x5c0d_0002;

/** The application_name of the connection holding the relay lock for at least `heldMs`, if any. */
const relayLockHolder = async (sql: postgres.Sql, heldMs: number): Promise<string | undefined> => {
  const rows = await sql<Array<{ application_name: string }>>`
    SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = ${RELAY_LOCK_KEY}
      AND a.xact_start < now() - make_interval(secs => ${heldMs / 1000})`;
  return rows[0]?.application_name;
};

describe("chaos: the outbox relay killed mid-batch (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  const sql = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
  afterAll(async () => {
    if (redisControlAvailable()) resumeRedis();
    await stopCluster(nodes);
    await sql.end({ timeout: 1 });
  });

  test("the node holding the relay lock is SIGKILLed while publishing a batch; the other node publishes it, and sessions see each message once", async () => {
    expect(redisControlAvailable()).toBe(true);
    // A long command timeout keeps the relay stuck in its publish (holding the lock) while Redis is frozen.
    nodes = await startCluster([47, 48], { REDIS_COMMAND_TIMEOUT_MS: "15000" });
    const run = await startLoad(nodes);
    const { load } = run;
    let killed: ChaosNode | undefined;
    let backlog = 0;
    const frozenAt = Date.now();
    await runPhases(load, {
      before: () => load.waitForSends(30, "sends before the fault"),
      // Freeze Redis: the next relay pass claims a batch, writes it to Redis and waits, holding the lock.
      frozen: async () => {
        pauseRedis();
        try {
          const holder = await waitFor(() => relayLockHolder(sql, 300), { timeoutMs: 20_000, intervalMs: 50, what: "a relay to hold the lock mid-publish" });
          backlog = await outboxBacklog();
          expect(backlog).toBeGreaterThan(0);
          killed = nodes.find((node) => node.applicationName === holder)!;
          expect(killed).toBeDefined();
          await killNode(killed);
        } finally {
          resumeRedis();
        }
      },
      after: async () => {
        await waitReady(nodes, 200);
        await load.waitForSends(60, "sends after the relay was killed");
      },
    });
    // The batch went out twice (the dead node's writes reached Redis, the survivor published it again) ...
    const redis = new Redis(process.env.REDIS_URL ?? "", { lazyConnect: true });
    const entries = (await redis.xrange("xcord:events", `${frozenAt}-0`, "+")) as Array<[string, string[]]>;
    redis.disconnect();
    const ids = entries.map(([, fields]) => (JSON.parse(fields[fields.indexOf("event") + 1]!) as { id: string }).id);
    const republished = ids.length - new Set(ids).size;
    // ... and still every session saw each message exactly once.
    const outcome = await checkOutcome({ nodes, ...run });
    console.log(
      `[chaos] relay SIGKILL mid-batch: killed ${killed?.applicationName} holding the lock with ${backlog} unpublished rows; ` +
        `${republished} events appended to the stream twice; ${outcome.messages} messages answered 2xx, ` +
        `${outcome.deliveries} deliveries checked; failures ${JSON.stringify(Object.fromEntries(load.failures))}`,
    );
    expect(republished).toBeGreaterThan(0);
    expect(await outboxBacklog()).toBe(0);
    stopClients(run);
  }, 120_000);
});
