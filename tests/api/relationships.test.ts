import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, gatewaySessions } from "../support/gateway";
import { type TestBot, type TestUser, asBot, createBot, identityEnv } from "../support/identity";
import { type ApiClient, apiClient, expectError, expectStatus, generalOf, guildWith, registerUsers, startGuildServer } from "../support/guild";
import { type ReadStateBody, openDm, send } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";

interface RelationshipBody {
  readonly id: string;
  readonly type: number;
  readonly user: { readonly id: string; readonly username: string };
  readonly nickname: null;
  readonly since: string;
}

for (const mode of MODES) {
  describe(`relationships: friends, requests and blocks (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let bot: TestBot;
    const sessions = gatewaySessions(() => server.url);
    beforeAll(async () => {
      let owner: TestUser;
      ({ server, api, users: [owner] } = await startGuildServer(mode, 1));
      bot = await createBot(server, owner);
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    const connect = async (user: TestUser) => {
      const session = await sessions.connect(user);
      return session as typeof session & { ready: { relationships: RelationshipBody[] } };
    };
    const put = (as: TestUser, other: TestUser | string, body: unknown = {}) => api.put(`/users/@me/relationships/${typeof other === "string" ? other : other.user.id}`, as, body);
    const remove = (as: TestUser, other: TestUser) => api.delete(`/users/@me/relationships/${other.user.id}`, as);
    const list = async (as: TestUser) => expectStatus(await api.get<RelationshipBody[]>("/users/@me/relationships", as), 200);
    const typesOf = async (as: TestUser) => (await list(as)).map((relationship) => [relationship.id, relationship.type]);
    /** A relationship event of `client` about `otherId`, the next one not taken yet. */
    const event = (client: GatewayClient, t: "RELATIONSHIP_ADD" | "RELATIONSHIP_REMOVE", otherId: string, type?: number) =>
      client.dispatch(t, (d) => d.id === otherId && (type === undefined || d.type === type));
    /** What `client` was sent about `otherId` so far. */
    const seenAbout = (client: GatewayClient, otherId: string) =>
      client.frames.filter((frame) => frame.op === 0 && frame.t?.startsWith("RELATIONSHIP_") && frame.d.id === otherId).map((frame) => [frame.t, frame.d.type]);

    test("a request reaches both sides (outgoing 4, incoming 3); accepting makes both friends; nobody else hears of it", async () => {
      const [alice, bob, carol] = await registerUsers(server, 3);
      const [{ client: alices }, { client: bobs }, { client: carols }] = await Promise.all([connect(alice), connect(bob), connect(carol)]);
      expectStatus(await put(alice, bob), 204);
      const outgoing = await event(alices, "RELATIONSHIP_ADD", bob.user.id);
      expect(outgoing.d).toEqual({ id: bob.user.id, type: 4, user: expect.objectContaining({ id: bob.user.id, username: bob.user.username }), nickname: null, since: expect.any(String) });
      expect(JSON.stringify(outgoing.d)).not.toContain("email");
      expect((await event(bobs, "RELATIONSHIP_ADD", alice.user.id)).d).toMatchObject({ id: alice.user.id, type: 3, user: { id: alice.user.id } });
      expect(await typesOf(alice)).toEqual([[bob.user.id, 4]]);
      expect(await typesOf(bob)).toEqual([[alice.user.id, 3]]);
      // Sending it again changes nothing and tells no one.
      expectStatus(await put(alice, bob, { type: 1 }), 204);
      expectStatus(await put(bob, alice, { type: 1 }), 204);
      expect((await event(alices, "RELATIONSHIP_ADD", bob.user.id)).d.type).toBe(1);
      expect((await event(bobs, "RELATIONSHIP_ADD", alice.user.id)).d.type).toBe(1);
      expect(await typesOf(alice)).toEqual([[bob.user.id, 1]]);
      expect(await typesOf(bob)).toEqual([[alice.user.id, 1]]);
      expect(seenAbout(alices, bob.user.id)).toEqual([["RELATIONSHIP_ADD", 4], ["RELATIONSHIP_ADD", 1]]);
      // Carol hears of her own request (the barrier), and of nothing before it.
      expectStatus(await put(carol, alice), 204);
      await event(carols, "RELATIONSHIP_ADD", alice.user.id);
      expect(carols.dispatches().filter((frame) => frame.t?.startsWith("RELATIONSHIP_")).map((frame) => frame.d.id)).toEqual([alice.user.id]);
      // READY carries the relationships.
      const { ready } = await connect(alice);
      expect(ready.relationships.map((relationship) => [relationship.id, relationship.type]).sort()).toEqual([[bob.user.id, 1], [carol.user.id, 3]].sort());
    });

    test("crossing requests sent at once end as one friendship; a PUT without a body is a request", async () => {
      const [alice, bob, carol] = await registerUsers(server, 3);
      const replies = await Promise.all([put(alice, bob), put(bob, alice), put(alice, bob), put(bob, alice)]);
      expect(replies.map((reply) => reply.status)).toEqual([204, 204, 204, 204]);
      expect(await typesOf(alice)).toEqual([[bob.user.id, 1]]);
      expect(await typesOf(bob)).toEqual([[alice.user.id, 1]]);
      const bare = await server.request(`/api/v1/users/@me/relationships/${carol.user.id}`, { method: "PUT", token: alice.access_token });
      expect({ status: bare.status, body: await bare.text() }).toEqual({ status: 204, body: "" });
      expect(await typesOf(carol)).toEqual([[alice.user.id, 3]]);
    });

    test("a deleted account leaves its friends' lists", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      expectStatus(await put(alice, bob), 204);
      expectStatus(await api.delete("/users/@me", bob, { password: bob.password }), 204);
      expect(await list(alice)).toEqual([]);
      expectError(await put(alice, bob), 404, 10013);
    });

    test("DELETE ends a friendship, cancels or declines a request, on both sides", async () => {
      const [alice, bob, carol] = await registerUsers(server, 3);
      const [{ client: alices }, { client: bobs }, { client: carols }] = await Promise.all([connect(alice), connect(bob), connect(carol)]);
      expectStatus(await put(alice, bob), 204);
      expectStatus(await put(bob, alice), 204);
      expectStatus(await remove(bob, alice), 204);
      expect((await event(alices, "RELATIONSHIP_REMOVE", bob.user.id)).d).toEqual({ id: bob.user.id, type: 1, nickname: null });
      expect((await event(bobs, "RELATIONSHIP_REMOVE", alice.user.id)).d).toEqual({ id: alice.user.id, type: 1, nickname: null });
      expect(await list(alice)).toEqual([]);
      // Cancel (the sender) and decline (the receiver).
      expectStatus(await put(alice, carol), 204);
      expectStatus(await remove(alice, carol), 204);
      expect((await event(carols, "RELATIONSHIP_REMOVE", alice.user.id)).d.type).toBe(3);
      expectStatus(await put(alice, carol), 204);
      expectStatus(await remove(carol, alice), 204);
      expect((await event(alices, "RELATIONSHIP_REMOVE", carol.user.id)).d.type).toBe(4);
      expect(await list(carol)).toEqual([]);
      // Nothing to remove is no error.
      expectStatus(await remove(carol, alice), 204);
    });

    test("a block is told to the blocker alone; the blocked side only loses the friendship; requests either way are refused with 80001", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      const [{ client: alices }, { client: bobs }] = await Promise.all([connect(alice), connect(bob)]);
      expectStatus(await put(alice, bob), 204);
      expectStatus(await put(bob, alice), 204);
      expectStatus(await put(alice, bob, { type: 2 }), 204);
      expect((await event(alices, "RELATIONSHIP_ADD", bob.user.id, 2)).d).toMatchObject({ id: bob.user.id, type: 2 });
      expect((await event(bobs, "RELATIONSHIP_REMOVE", alice.user.id, 1)).d).toEqual({ id: alice.user.id, type: 1, nickname: null });
      expect(await typesOf(alice)).toEqual([[bob.user.id, 2]]);
      expect(await list(bob)).toEqual([]);
      expectError(await put(bob, alice), 400, 80001);
      expectError(await api.post("/users/@me/relationships", bob, { username: alice.user.username }), 400, 80001);
      expectError(await put(alice, bob), 400, 80001);
      // Unblocking is the blocker's news alone too.
      expectStatus(await remove(alice, bob), 204);
      expect((await event(alices, "RELATIONSHIP_REMOVE", bob.user.id)).d.type).toBe(2);
      expectStatus(await put(bob, alice), 204);
      await event(bobs, "RELATIONSHIP_ADD", alice.user.id, 4);
      expect(seenAbout(bobs, alice.user.id)).toEqual([["RELATIONSHIP_ADD", 3], ["RELATIONSHIP_ADD", 1], ["RELATIONSHIP_REMOVE", 1], ["RELATIONSHIP_ADD", 4]]);
    });

    test("POST by username: 80004 for no one, 80003 for oneself, 80007 for a friend, 80002 for a bot; the discriminator is ignored", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      expectError(await api.post("/users/@me/relationships", alice, { username: "no_such_user_anywhere" }), 400, 80004);
      expectError(await api.post("/users/@me/relationships", alice, { username: "some@mail.example" }), 400, 80004);
      expectError(await api.post("/users/@me/relationships", alice, { username: alice.user.username }), 400, 80003);
      expectError(await api.post("/users/@me/relationships", alice, { username: bot.user.username }), 400, 80002);
      expectStatus(await api.post("/users/@me/relationships", alice, { username: bob.user.username.toUpperCase(), discriminator: "0" }), 204);
      expect(await typesOf(bob)).toEqual([[alice.user.id, 3]]);
      expectStatus(await put(bob, alice), 204);
      expectError(await api.post("/users/@me/relationships", alice, { username: bob.user.username }), 400, 80007);
      expectError(await api.post("/users/@me/relationships", alice, {}), 400, 50035);
      expectError(await api.post("/users/@me/relationships", alice, { username: "x".repeat(33) }), 400, 50035);
    });

    test("refusals: oneself, unknown users, bots as friends, bad types; bots cannot use the routes (20001)", async () => {
      const [alice] = await registerUsers(server, 1);
      expectError(await put(alice, alice), 400, 80003);
      expectError(await put(alice, alice, { type: 2 }), 400, 50035);
      expectError(await put(alice, "1"), 404, 10013);
      expectError(await put(alice, "99999999999999999999"), 404, 10013);
      expectError(await put(alice, "not-an-id"), 400, 50035);
      expectError(await put(alice, bot.user.id), 400, 80002);
      expectError(await put(alice, bot.user.id, { type: 3 }), 400, 50035);
      expectError(await put(alice, bot.user.id, { type: 4 }), 400, 50035);
      // A bot can be blocked, as on Discord.
      expectStatus(await put(alice, bot.user.id, { type: 2 }), 204);
      expect(await typesOf(alice)).toEqual([[bot.user.id, 2]]);
      expect((await asBot(server, bot.token, "GET", "/users/@me/relationships")).status).toBe(403);
      expect((await asBot(server, bot.token, "GET", "/users/@me/relationships")).body.code).toBe(20001);
      expect((await asBot(server, bot.token, "PUT", `/users/@me/relationships/${alice.user.id}`, {})).body.code).toBe(20001);
      expect((await asBot(server, bot.token, "DELETE", `/users/@me/relationships/${alice.user.id}`)).body.code).toBe(20001);
      expect((await asBot(server, bot.token, "POST", "/users/@me/relationships", { username: alice.user.username })).body.code).toBe(20001);
    });

    test("block effects: DMs refused with 403 50007 (the blocked side cannot open one; neither side can send)", async () => {
      const [alice, bob, carol] = await registerUsers(server, 3);
      const dm = await openDm(api, alice, bob);
      await send(api, bob, dm.id, "before the block");
      expectStatus(await put(alice, bob, { type: 2 }), 204);
      expectError(await api.post("/users/@me/channels", bob, { recipient_id: alice.user.id }), 403, 50007);
      expectError(await api.post(`/channels/${dm.id}/messages`, bob, { content: "hello?" }), 403, 50007);
      expectError(await api.post(`/channels/${dm.id}/messages`, alice, { content: "blocked you" }), 403, 50007);
      // The blocker still opens the DM (its history is theirs); others are untouched.
      expect(expectStatus(await api.post<{ id: string }>("/users/@me/channels", alice, { recipient_id: bob.user.id }), 200).id).toBe(dm.id);
      const other = await openDm(api, carol, alice);
      await send(api, carol, other.id, "carol is fine");
      expectStatus(await remove(alice, bob), 204);
      await send(api, bob, dm.id, "after the unblock");
    });

    test("block effects: the blocker gets no mention count (sends or edits) and no TYPING_START from the blocked user; others still do", async () => {
      const [owner, alice, bob, carol] = await registerUsers(server, 4);
      const { guild } = await guildWith(api, owner, { name: "Blocks", members: [alice, bob, carol] });
      const channel = generalOf(guild).id;
      expectStatus(await put(alice, bob, { type: 2 }), 204);
      await send(api, bob, channel, `hey <@${alice.user.id}>`);
      const plain = await send(api, bob, channel, "plain");
      expectStatus(await api.patch(`/channels/${channel}/messages/${plain.id}`, bob, { content: `edited for <@${alice.user.id}>` }), 200);
      await send(api, carol, channel, `hi <@${alice.user.id}> and <@${bob.user.id}>`);
      const [{ ready: alicesReady, client: alices }, { ready: bobsReady }] = await Promise.all([connect(alice), connect(bob)]);
      const stateOf = (ready: unknown) => (ready as { read_state: ReadStateBody[] }).read_state.find((state) => state.channel_id === channel);
      expect(stateOf(alicesReady)?.mention_count).toBe(1);
      expect(stateOf(bobsReady)?.mention_count).toBe(1);
      const { client: carols } = await connect(carol);
      expectStatus(await api.post(`/channels/${channel}/typing`, bob), 204);
      await carols.dispatch("TYPING_START", (d) => d.user_id === bob.user.id);
      expectStatus(await api.post(`/channels/${channel}/typing`, carol), 204);
      await alices.dispatch("TYPING_START", (d) => d.user_id === carol.user.id);
      expect(alices.dispatches("TYPING_START").map((frame) => frame.d.user_id)).toEqual([carol.user.id]);
      // Unblocked: Bob's typing reaches her again.
      expectStatus(await remove(alice, bob), 204);
      expectStatus(await api.post(`/channels/${channel}/typing`, bob), 204);
      await alices.dispatch("TYPING_START", (d) => d.user_id === bob.user.id);
    });

    test("block effects: the blocked user gets none of the blocker's presence (PRESENCE_UPDATE, READY presences)", async () => {
      const [owner, alice, bob, carol] = await registerUsers(server, 4);
      const { guild } = await guildWith(api, owner, { name: "Presence blocks", members: [alice, bob, carol] });
      expectStatus(await put(alice, bob, { type: 2 }), 204);
      const { client: alices } = await connect(alice);
      const [{ client: bobs, ready: bobsReady }, { client: carols, ready: carolsReady }] = await Promise.all([connect(bob), connect(carol)]);
      const presentIn = (ready: { presences: unknown[] }) => (ready.presences as { user: { id: string } }[]).map((presence) => presence.user.id);
      expect(presentIn(carolsReady)).toContain(alice.user.id);
      expect(presentIn(bobsReady)).not.toContain(alice.user.id);
      alices.send({ op: 3, d: { since: null, activities: [], status: "dnd", afk: false } });
      await carols.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "dnd");
      // Carol's own change reaches Bob after Alice's would have: he heard nothing of Alice.
      carols.send({ op: 3, d: { since: null, activities: [], status: "idle", afk: false } });
      await bobs.dispatch("PRESENCE_UPDATE", (d) => d.user.id === carol.user.id && d.status === "idle");
      expect(bobs.dispatches("PRESENCE_UPDATE").filter((frame) => frame.d.user.id === alice.user.id)).toEqual([]);
      // Nor in the presences of a member request (op 8).
      bobs.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0, presences: true } });
      const chunk = await bobs.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.guild_id === guild.id);
      const chunkPresences = (chunk.d.presences as { user: { id: string } }[]).map((presence) => presence.user.id);
      expect(chunkPresences).toContain(carol.user.id);
      expect(chunkPresences).not.toContain(alice.user.id);
    });
  });
}

for (const mode of MODES) {
  describe(`relationship rate limit (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { RATE_LIMIT_SCALE: "1" }));
      api = apiClient(server);
    });
    afterAll(() => server.stop());

    test("30 changes per minute per user, then 429 on the users.relationships bucket", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      for (let i = 0; i < 15; i++) {
        expectStatus(await api.put(`/users/@me/relationships/${bob.user.id}`, alice, {}), 204);
        expectStatus(await api.delete(`/users/@me/relationships/${bob.user.id}`, alice), 204);
      }
      const limited = await server.request(`/api/v1/users/@me/relationships/${bob.user.id}`, { method: "PUT", json: {}, token: alice.access_token });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("x-ratelimit-bucket")).toBe("users.relationships");
      // Bob's bucket is his own.
      expectStatus(await api.put(`/users/@me/relationships/${alice.user.id}`, bob, {}), 204);
    });
  });
}
