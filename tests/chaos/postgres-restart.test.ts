import { afterAll, describe, expect, test } from "bun:test";
import { pgControlAvailable, startPostgres, stopPostgres } from "../support/pg-control";
import { type ChaosNode, checkOutcome, readyStatus, runPhases, startCluster, startLoad, stopClients, stopCluster, waitReady } from "./chaos-support";

describe("chaos: PostgreSQL restarted under load (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  afterAll(async () => {
    await startPostgres().catch(() => undefined);
    await stopCluster(nodes);
  });

  test("writes fail while PostgreSQL is down and /ready says so; afterwards the nodes recover by themselves and nothing answered 2xx is lost", async () => {
    expect(pgControlAvailable()).toBe(true);
    nodes = await startCluster([43, 44]);
    const run = await startLoad(nodes);
    const { load } = run;
    await runPhases(load, {
      before: () => load.waitForSends(30, "sends before the fault"),
      outage: async () => {
        await stopPostgres("fast");
        await waitReady(nodes, 503);
        // Gateway sessions stay up (Redis is fine): /health answers, /ready does not.
        for (const node of nodes) expect((await fetch(`${node.url}/health`)).status).toBe(200);
        await load.waitForFailures(5, "sends to fail while PostgreSQL is down");
        expect(await Promise.all(nodes.map(readyStatus))).toEqual([503, 503]);
      },
      after: async () => {
        await startPostgres();
        await waitReady(nodes, 200, 30_000);
        await load.waitForSends(60, "sends after PostgreSQL is back");
      },
    });
    const outcome = await checkOutcome({ nodes, ...run });
    console.log(
      `[chaos] postgres restart: ${outcome.messages} messages answered 2xx (${load.sentIn("outage")} during the outage), ` +
        `${outcome.deliveries} deliveries checked; failures ${JSON.stringify(Object.fromEntries(load.failures))}`,
    );
    // A database outage is the service's state, not a bug: 503 with Retry-After, never 500.
    expect([...load.failures.keys()].filter((key) => key.endsWith(":500"))).toEqual([]);
    expect(load.failures.get("outage:503") ?? 0).toBeGreaterThan(0);
    stopClients(run);
  }, 120_000);
});
