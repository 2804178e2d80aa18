import { afterAll, describe, expect, test } from "bun:test";
import { type ChaosNode, checkOutcome, killNode, readyStatus, runPhases, startCluster, startLoad, stopClients, stopCluster } from "./chaos-support";

describe("chaos: a node killed with SIGKILL under load (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  afterAll(() => stopCluster(nodes));

  test("its clients resume on the survivor and miss nothing; the survivor stays ready and serves on", async () => {
    nodes = await startCluster([45, 46]);
    const [survivor, doomed] = nodes as [ChaosNode, ChaosNode];
    const run = await startLoad(nodes);
    const { load, clients } = run;
    await runPhases(load, {
      before: async () => {
        await load.waitForSends(40, "sends before the fault");
        const onDoomed = clients.filter((client) => client.node === doomed).length;
        expect(onDoomed).toBeGreaterThan(0);
      },
      after: async () => {
        await killNode(doomed);
        // The survivor's own dependencies are fine: it stays ready and takes the load.
        expect(await readyStatus(survivor)).toBe(200);
        await load.waitForSends(60, "sends after the kill");
      },
    });
    const outcome = await checkOutcome({ nodes, ...run });
    expect(clients.every((client) => client.node === survivor)).toBe(true);
    console.log(
      `[chaos] node SIGKILL: ${outcome.messages} messages answered 2xx, ${outcome.deliveries} deliveries checked; ` +
        `failures ${JSON.stringify(Object.fromEntries(load.failures))}; resumes ${clients.map((c) => c.resumed).join(",")}`,
    );
    stopClients(run);
  }, 120_000);
});
