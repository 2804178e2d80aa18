import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, apiClient, createGuild, expectStatus, generalOf } from "../support/guild";
import { type TestUser, identityEnv, registerUser, uniqueUsername } from "../support/identity";
import { MODES, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

interface Page {
  author: { id: string; username: string };
}

/** Message authors come from each node's profile cache: a renamed user must never be shown by the old name for long. */
for (const mode of MODES) {
  describe(`profiles in history after a rename (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let alice: TestUser;
    let channelId: string;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      api = apiClient(server);
      alice = await registerUser(server);
      channelId = generalOf(await createGuild(api, alice)).id;
      expectStatus(await api.post(`/channels/${channelId}/messages`, alice, { content: "hello" }), 201);
    });
    afterAll(() => server.stop());

    test("the node that made the change shows the new name on the very next read", async () => {
      const authorName = async () => expectStatus(await api.get<Page[]>(`/channels/${channelId}/messages`, alice), 200)[0]!.author.username;
      expect(await authorName()).toBe(alice.username.toLowerCase());
      const renamed = uniqueUsername("renamed").toLowerCase();
      expectStatus(await api.patch("/users/@me", alice, { username: renamed }), 200);
      expect(await authorName()).toBe(renamed);
    });
  });
}

describe("profiles in history after a rename on another node (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    nodeA = await startServer(mode, identityEnv(mode, { NODE_ID: "11" }));
    nodeB = await startServer(mode, identityEnv(mode, { NODE_ID: "12" }));
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });

  test("a rename on node A reaches node B's cache through pub/sub", async () => {
    const [a, b] = [apiClient(nodeA), apiClient(nodeB)];
    const alice = await registerUser(nodeA);
    const channelId = generalOf(await createGuild(a, alice)).id;
    expectStatus(await a.post(`/channels/${channelId}/messages`, alice, { content: "hello" }), 201);
    const nameOnB = async () => expectStatus(await b.get<Page[]>(`/channels/${channelId}/messages`, alice), 200)[0]!.author.username;
    expect(await nameOnB()).toBe(alice.username.toLowerCase());
    const renamed = uniqueUsername("renamed").toLowerCase();
    expectStatus(await a.patch("/users/@me", alice, { username: renamed }), 200);
    await waitFor(async () => (await nameOnB()) === renamed, { what: "node B to show the new name" });
  });
});
