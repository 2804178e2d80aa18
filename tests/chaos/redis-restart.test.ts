import { afterAll, describe, expect, test } from "bun:test";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { type ChaosNode, Load, checkOutcome, createWorld, startClients, startCluster, stopCluster, waitReady } from "./chaos-support";

describe("chaos: Redis stopped and restarted under load (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  afterAll(async () => {
    await startRedis().catch(() => undefined);
    await stopCluster(nodes);
  });

  test("REST writes keep working from PostgreSQL while Redis is down; afterwards every 2xx message reaches every allowed session exactly once", async () => {
    expect(redisControlAvailable()).toBe(true);
    nodes = await startCluster([41, 42]);
    const world = await createWorld(nodes[0]!, 6);
    const { clients, outsider } = await startClients(nodes, world);
    const load = new Load(nodes, world.members.slice(0, 3), world.channelId);
    load.start();
    try {
      await load.waitForSends(30, "sends before the fault");

      // A Redis with persistence, restarted: it comes back with its data (resume buffers, stream).
      load.phase = "outage";
      await stopRedis({ save: true });
      await waitReady(nodes, 503);
      // Authenticated writes go on: the revocation check falls back to PostgreSQL, rate limits to the node.
      await load.waitForSends(60, "sends to succeed while Redis is down", 30_000);

      load.phase = "after";
      await startRedis();
      await waitReady(nodes, 200);
      await load.waitForSends(60, "sends after Redis is back");
    } finally {
      await load.stop();
    }
    const outcome = await checkOutcome({ nodes, world, load, clients, outsider, online: world.members });
    console.log(
      `[chaos] redis restart: ${outcome.messages} messages answered 2xx (${load.sentIn("outage")} while Redis was down), ` +
        `${outcome.deliveries} deliveries checked; failures ${JSON.stringify(Object.fromEntries(load.failures))}; ` +
        `resumes ${clients.map((c) => c.resumed).join(",")}`,
    );
    for (const client of [...clients, outsider]) client.stop();
  }, 120_000);
});
