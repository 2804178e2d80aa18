import { afterAll, describe, expect, test } from "bun:test";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { waitFor } from "../support/server";
import { type ChaosNode, checkOutcome, historyIds, runPhases, startCluster, startLoad, stopClients, stopCluster, waitReady } from "./chaos-support";

describe("chaos: Redis stopped and restarted under load (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  afterAll(async () => {
    await startRedis().catch(() => undefined);
    await stopCluster(nodes);
  });

  test("REST writes keep working from PostgreSQL while Redis is down; afterwards every 2xx message reaches every allowed session exactly once", async () => {
    expect(redisControlAvailable()).toBe(true);
    nodes = await startCluster([41, 42]);
    const run = await startLoad(nodes);
    const { load, clients } = run;
    await runPhases(load, {
      before: () => load.waitForSends(30, "sends before the fault"),
      // A Redis with persistence, restarted: it comes back with its data (resume buffers, stream).
      outage: async () => {
        await stopRedis({ save: true });
        await waitReady(nodes, 503);
        // Authenticated writes go on: the revocation check falls back to PostgreSQL, rate limits to the node.
        await load.waitForSends(60, "sends to succeed while Redis is down", 30_000);
      },
      after: async () => {
        await startRedis();
        await waitReady(nodes, 200);
        await load.waitForSends(60, "sends after Redis is back");
      },
    });
    const outcome = await checkOutcome({ nodes, ...run });
    console.log(
      `[chaos] redis restart: ${outcome.messages} messages answered 2xx (${load.sentIn("outage")} while Redis was down), ` +
        `${outcome.deliveries} deliveries checked; failures ${JSON.stringify(Object.fromEntries(load.failures))}; ` +
        `resumes ${clients.map((c) => c.resumed).join(",")}`,
    );
    stopClients(run);
  }, 120_000);

  test("a Redis that comes back empty: writes kept, resume state lost, so clients get INVALID_SESSION, re-IDENTIFY, and miss nothing live after that", async () => {
    expect(redisControlAvailable()).toBe(true);
    await stopCluster(nodes);
    nodes = await startCluster([49, 50]);
    const run = await startLoad(nodes);
    const { world, load, clients, outsider } = run;
    await runPhases(load, {
      before: () => load.waitForSends(30, "sends before the fault"),
      outage: async () => {
        await stopRedis(); // no snapshot: it restarts empty
        await waitReady(nodes, 503);
        await load.waitForSends(30, "sends to succeed while Redis is down", 30_000);
      },
      recovering: async () => {
        await startRedis();
        await waitReady(nodes, 200);
        await waitFor(() => [...clients, outsider].every((client) => client.sessions.length === 2 && client.open), {
          timeoutMs: 30_000,
          what: "every client to re-IDENTIFY after INVALID_SESSION",
        });
      },
      after: () => load.waitForSends(60, "sends after every client re-identified"),
    });
    const history = await historyIds(nodes[0]!, world.owner, world.channelId);
    expect(load.sent.filter((message) => !history.has(message.id))).toEqual([]);
    const after = load.sent.filter((message) => message.phase === "after").map((message) => message.id);
    await waitFor(() => clients.every((client) => after.every((id) => client.messages.has(id))), {
      timeoutMs: 30_000,
      what: "every client to receive every message sent after it re-identified",
    });
    for (const client of clients) {
      expect(client.invalidSessions).toBe(1);
      for (const [session, counts] of client.perSession) {
        expect({ session, duplicates: [...counts].filter(([, count]) => count > 1) }).toEqual({ session, duplicates: [] });
      }
    }
    expect(outsider.messages.size).toBe(0);
    console.log(
      `[chaos] redis restart, data lost: ${load.sent.length} messages answered 2xx (${load.sentIn("outage")} while Redis was down, ` +
        `all in history), ${after.length * clients.length} post-recovery deliveries checked`,
    );
    stopClients(run);
  }, 120_000);
});
