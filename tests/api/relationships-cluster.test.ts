import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, apiClient, expectStatus, registerUsers } from "../support/guild";
import { identityEnv } from "../support/identity";
import { openDm, send } from "../support/message";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";

describe("blocks across two nodes sharing Postgres and Redis (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let first: TestServer;
  let second: TestServer;
  let onFirst: ApiClient;
  let onSecond: ApiClient;
  beforeAll(async () => {
    first = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    second = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
    onFirst = apiClient(first);
    onSecond = apiClient(second);
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
  });

  test("a block made on one node refuses DMs on the other well within the cache's minute, and an unblock lets them through again", async () => {
    const [alice, bob] = await registerUsers(first, 2);
    const dm = await openDm(onSecond, bob, alice);
    // The second node now knows Bob's (empty) block entry.
    await send(onSecond, bob, dm.id, "hi");
    expectStatus(await onFirst.put(`/users/@me/relationships/${bob.user.id}`, alice, { type: 2 }), 204);
    const refused = await waitFor(
      async () => {
        const reply = await onSecond.post("/users/@me/channels", bob, { recipient_id: alice.user.id });
        return reply.status === 403 && reply;
      },
      { what: "the second node to hear of the block", timeoutMs: 5000 },
    );
    expect((refused.body as { code: number }).code).toBe(50007);
    expect((await onSecond.post(`/channels/${dm.id}/messages`, bob, { content: "still there?" })).status).toBe(403);
    expectStatus(await onFirst.delete(`/users/@me/relationships/${bob.user.id}`, alice), 204);
    await waitFor(async () => (await onSecond.post("/users/@me/channels", bob, { recipient_id: alice.user.id })).status === 200, {
      what: "the second node to hear of the unblock",
      timeoutMs: 5000,
    });
    await send(onSecond, bob, dm.id, "back again");
  });
});
