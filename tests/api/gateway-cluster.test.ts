import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectGateway, identify } from "../support/gateway";
import { type TestUser, identityEnv, registerUser } from "../support/identity";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const mode = modeNamed("postgres+redis");

describe("gateway across nodes (postgres+redis)", () => {
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    nodeA = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    nodeB = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });

  const rename = (server: TestServer, user: TestUser, name: string) =>
    server.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { display_name: name } });

  test("a change made through node A reaches a session on node B", async () => {
    const user = await registerUser(nodeA);
    const { client } = await identify(nodeB.url, user.access_token);
    await rename(nodeA, user, "Across");
    expect((await client.dispatch("USER_UPDATE")).d.display_name).toBe("Across");
    client.close();
  });

  test("a node subscribes only to the topics its own sessions need", async () => {
    const nodeC = await startServer(mode, identityEnv(mode, { NODE_ID: "4" }));
    try {
      const user = await registerUser(nodeA);
      const created = await nodeA.request("/api/v1/guilds", { method: "POST", token: user.access_token, json: { name: "Topics" } });
      const guild = (await created.json()) as { id: string };
      expect(nodeC.app.gateway.topicCount()).toBe(0);
      const { client } = await identify(nodeC.url, user.access_token);
      // Its user topic and its one guild; nothing of anyone else's.
      expect(nodeC.app.gateway.topicCount()).toBe(2);
      client.close();
      await client.closed();
      await waitFor(() => nodeC.app.gateway.topicCount() === 0, { what: "node C to drop the topics with its last session" });
      expect(guild.id).toBeTruthy();
    } finally {
      await nodeC.stop();
    }
  });

  test("a session dropped from node A resumes on node B with every missed dispatch, in order", async () => {
    const user = await registerUser(nodeA);
    const { client, ready } = await identify(nodeA.url, user.access_token);
    await rename(nodeA, user, "Before");
    const last = await client.dispatch("USER_UPDATE");
    client.close();
    await client.closed();
    for (const name of ["Gap 1", "Gap 2", "Gap 3"]) await rename(nodeB, user, name);

    const resumed = await connectGateway(nodeB.url);
    resumed.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: last.s } });
    await resumed.dispatch("RESUMED");
    await resumed.dispatch("USER_UPDATE", (d) => d.display_name === "Gap 3");
    expect(resumed.dispatches("USER_UPDATE").map((frame) => frame.d.display_name)).toEqual(["Gap 1", "Gap 2", "Gap 3"]);
    const sequence = resumed.dispatches().map((frame) => frame.s);
    expect(sequence).toEqual(sequence.map((_, index) => last.s! + 1 + index));
    resumed.close();
  });

  test("a client that missed dispatches still on the wire gets them again from the buffer on resume", async () => {
    const user = await registerUser(nodeA);
    const { client, ready } = await identify(nodeA.url, user.access_token);
    await rename(nodeA, user, "Seen");
    const seen = await client.dispatch("USER_UPDATE");
    await rename(nodeA, user, "Sent but lost");
    await client.dispatch("USER_UPDATE", (d) => d.display_name === "Sent but lost");
    client.close();
    await client.closed();

    // The client claims it only saw `seen`: the later dispatch is replayed with its original sequence number.
    const resumed = await connectGateway(nodeB.url);
    resumed.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: seen.s } });
    await resumed.dispatch("RESUMED");
    expect(resumed.dispatches("USER_UPDATE").map((frame) => [frame.s, frame.d.display_name])).toEqual([[seen.s! + 1, "Sent but lost"]]);
    resumed.close();
  });

  test("resuming on node B closes the session's stale socket on node A", async () => {
    const user = await registerUser(nodeA);
    const { client, ready } = await identify(nodeA.url, user.access_token);
    const resumed = await connectGateway(nodeB.url);
    resumed.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: 1 } });
    await resumed.dispatch("RESUMED");
    expect((await client.closed()).code).toBe(4000);
    await rename(nodeA, user, "Only once");
    await resumed.dispatch("USER_UPDATE");
    expect(client.dispatches("USER_UPDATE")).toEqual([]);
    resumed.close();
  });

  test("logout through node A closes the session's socket on node B with 4004", async () => {
    const user = await registerUser(nodeA);
    const { client } = await identify(nodeB.url, user.access_token);
    expect((await nodeA.request("/api/v1/auth/logout", { method: "POST", token: user.access_token })).status).toBe(204);
    expect((await client.closed()).code).toBe(4004);
  });

  test("a node shutting down sends op 7 RECONNECT, and its sessions resume on another node", async () => {
    const nodeC = await startServer(mode, identityEnv(mode, { NODE_ID: "3" }));
    const user = await registerUser(nodeC);
    const { client, ready } = await identify(nodeC.url, user.access_token);
    await nodeC.stop();
    await client.next((frame) => frame.op === 7, "RECONNECT");
    await client.closed();
    // Each session ended once: the open-sessions gauge is back to zero, not below it.
    expect((await nodeC.app.metrics.gatewaySessions.get()).values[0]?.value).toBe(0);
    await rename(nodeA, user, "After shutdown");
    const resumed = await connectGateway(nodeA.url);
    resumed.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: 1 } });
    await resumed.dispatch("RESUMED");
    await resumed.dispatch("USER_UPDATE", (d) => d.display_name === "After shutdown");
    expect(resumed.dispatches("USER_UPDATE").map((frame) => frame.d.display_name)).toEqual(["After shutdown"]);
    resumed.close();
  });
});
