import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestUser, identityEnv } from "../support/identity";
import { type ApiClient, apiClient, createGuild, expectError, expectStatus, generalOf, joinAll, registerUsers } from "../support/guild";
import { type MessageBody, createTextChannel, history } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";

for (const mode of MODES) {
  describe(`message nonces (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let alice: TestUser;
    let bob: TestUser;
    let guildId: string;
    let general: string;

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      api = apiClient(server);
      [alice, bob] = (await registerUsers(server, 2)) as [TestUser, TestUser];
      const guild = await createGuild(api, alice, "Nonces");
      guildId = guild.id;
      general = generalOf(guild).id;
      await joinAll(api, alice, guild, [bob]);
    });
    afterAll(() => server.stop());

    const post = (as: TestUser, channel: string, body: Record<string, unknown>) => api.post<MessageBody>(`/channels/${channel}/messages`, as, body);

    test("the nonce is echoed on the send (string or integer) but not stored in history", async () => {
      const byString = expectStatus(await post(alice, general, { content: "a", nonce: "client-1" }), 201);
      expect(byString.nonce).toBe("client-1");
      const byNumber = expectStatus(await post(alice, general, { content: "b", nonce: 4242 }), 201);
      expect(byNumber.nonce).toBe(4242);
      expect(expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${byString.id}`, alice), 200).nonce).toBeUndefined();
    });

    test("without enforce_nonce a repeated nonce creates another message", async () => {
      const first = expectStatus(await post(alice, general, { content: "x", nonce: "loose" }), 201);
      const second = expectStatus(await post(alice, general, { content: "x", nonce: "loose" }), 201);
      expect(second.id).not.toBe(first.id);
    });

    test("with enforce_nonce a repeat by the same author in the same channel returns the first message (200), creating nothing", async () => {
      const first = expectStatus(await post(alice, general, { content: "once", nonce: "strict-1", enforce_nonce: true }), 201);
      const again = await post(alice, general, { content: "once more", nonce: "strict-1", enforce_nonce: true });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.id, content: "once", nonce: "strict-1" });
      expect((await history(api, alice, general, "limit=5")).filter((message) => message.content.startsWith("once"))).toHaveLength(1);
      // 4242 and "4242" are one nonce.
      const numeric = expectStatus(await post(alice, general, { content: "n", nonce: 777, enforce_nonce: true }), 201);
      expect((await post(alice, general, { content: "n", nonce: "777", enforce_nonce: true })).body).toMatchObject({ id: numeric.id });
    });

    test("the same nonce by another author, or in another channel, is another message", async () => {
      const other = (await createTextChannel(api, alice, guildId, "elsewhere")).id;
      const mine = expectStatus(await post(alice, general, { content: "m", nonce: "shared", enforce_nonce: true }), 201);
      const bobs = expectStatus(await post(bob, general, { content: "m", nonce: "shared", enforce_nonce: true }), 201);
      const there = expectStatus(await post(alice, other, { content: "m", nonce: "shared", enforce_nonce: true }), 201);
      expect(new Set([mine.id, bobs.id, there.id]).size).toBe(3);
    });

    test("parallel sends with the same enforced nonce create exactly one message", async () => {
      const channel = (await createTextChannel(api, alice, guildId, "race")).id;
      const replies = await Promise.all(Array.from({ length: 8 }, (_, i) => post(alice, channel, { content: `racer ${i}`, nonce: "race-1", enforce_nonce: true })));
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(replies.map((reply) => reply.body.id)).size).toBe(1);
      expect(await history(api, alice, channel)).toHaveLength(1);
    });

    test("deleting the first message frees its nonce", async () => {
      const first = expectStatus(await post(alice, general, { content: "gone", nonce: "freed", enforce_nonce: true }), 201);
      expectStatus(await api.delete(`/channels/${general}/messages/${first.id}`, alice), 204);
      const second = expectStatus(await post(alice, general, { content: "back", nonce: "freed", enforce_nonce: true }), 201);
      expect(second.id).not.toBe(first.id);
    });

    test("enforce_nonce needs a nonce; a bad nonce is 400", async () => {
      expectError(await post(alice, general, { content: "x", enforce_nonce: true }), 400, 50035);
      expectError(await post(alice, general, { content: "x", nonce: "", enforce_nonce: true }), 400, 50035);
      expectError(await post(alice, general, { content: "x", nonce: 1.5 }), 400, 50035);
      expectError(await post(alice, general, { content: "x", nonce: { a: 1 } }), 400, 50035);
    });
  });
}
