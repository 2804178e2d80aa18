import { afterAll, describe, expect, test } from "bun:test";
import { type ChaosNode, Load, checkOutcome, createWorld, killNode, readyStatus, startClients, startCluster, stopCluster } from "./chaos-support";

describe("chaos: a node killed with SIGKILL under load (two nodes)", () => {
  let nodes: ChaosNode[] = [];
  afterAll(() => stopCluster(nodes));

  test("its clients resume on the survivor and miss nothing; the survivor stays ready and serves on", async () => {
    nodes = await startCluster([45, 46]);
    const [survivor, doomed] = nodes as [ChaosNode, ChaosNode];
    const world = await createWorld(survivor, 6);
    const { clients, outsider } = await startClients(nodes, world);
    const load = new Load(nodes, world.members.slice(0, 3), world.channelId);
    load.start();
    try {
      await load.waitForSends(40, "sends before the fault");
      const onDoomed = clients.filter((client) => client.node === doomed).length;
      expect(onDoomed).toBeGreaterThan(0);

      load.phase = "after";
      await killNode(doomed);
      // The survivor's own dependencies are fine: it stays ready and takes the load.
      expect(await readyStatus(survivor)).toBe(200);
      await load.waitForSends(60, "sends after the kill");
    } finally {
      await load.stop();
    }
    const outcome = await checkOutcome({ nodes, world, load, clients, outsider, online: world.members });
    expect(clients.every((client) => client.node === survivor)).toBe(true);
    console.log(
      `[chaos] node SIGKILL: ${outcome.messages} messages answered 2xx, ${outcome.deliveries} deliveries checked; ` +
        `failures ${JSON.stringify(Object.fromEntries(load.failures))}; resumes ${clients.map((c) => c.resumed).join(",")}`,
    );
    for (const client of [...clients, outsider]) client.stop();
  }, 120_000);
});
