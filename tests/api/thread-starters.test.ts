import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, expectStatus, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, overwriteMember, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

/** Discord's HAS_THREAD message flag. */
const HAS_THREAD = 1 << 5;

interface StarterBody extends MessageBody {
  thread?: { id: string; type: number; name: string; parent_id: string; message_count: number; thread_metadata: { archived: boolean } };
}

for (const mode of MODES) {
  describe(`a thread's starter message (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, alice: TestUser, bob: TestUser, carol: TestUser;
    const clients: GatewayClient[] = [];
    const connect = async (user: TestUser) => {
      const session = await identify(server.url, user.access_token);
      clients.push(session.client);
      return session.client;
    };
    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob, carol] } = await startGuildServer(mode, 4));
    });
    afterAll(async () => {
      for (const client of clients) client.close();
      await server.stop();
    });

    const history = async (channelId: string, as: TestUser, query = "") =>
      expectStatus(await api.get<StarterBody[]>(`/channels/${channelId}/messages${query}`, as), 200);
    const newestOf = async (channelId: string, as: TestUser, id: string) => (await history(channelId, as)).find((message) => message.id === id);

    test("shows its thread and HAS_THREAD in history (cached newest page and older pages), by id, in the parent's MESSAGE_UPDATE and in edits", async () => {
      const { general } = await guildWith(api, owner, { members: [alice, bob, carol] });
      // carol cannot see the channel: she hears nothing of the thread's start.
      await overwriteMember(api, owner, general.id, carol.user.id, { deny: ["VIEW_CHANNEL"] });
      const [bobClient, carolClient] = await Promise.all([connect(bob), connect(carol)]);
      const starter = await send(api, alice, general.id, "Let's discuss");
      const later = await send(api, alice, general.id, "an unrelated later message");
      // Read once so that the newest page is kept: the start must change what is kept.
      const before = await newestOf(general.id, bob, starter.id);
      expect(before?.thread).toBeUndefined();
      expect(before?.flags).toBe(0);

      const thread = expectStatus(await api.post<{ id: string }>(`/channels/${general.id}/messages/${starter.id}/threads`, alice, { name: "Discussion" }), 201);
      expect(thread.id).toBe(starter.id);
      await bobClient.dispatch("THREAD_CREATE", (d) => d.id === thread.id);
      const update = await bobClient.dispatch("MESSAGE_UPDATE", (d) => d.id === starter.id);
      expect(update.d).toMatchObject({ id: starter.id, channel_id: general.id, content: "Let's discuss", flags: HAS_THREAD, thread: { id: thread.id, type: 11, name: "Discussion", parent_id: general.id } });
      // The thread's creation comes first, as on Discord.
      const order = bobClient.frames.filter((frame) => frame.t === "THREAD_CREATE" || (frame.t === "MESSAGE_UPDATE" && frame.d.id === starter.id)).map((frame) => frame.t);
      expect(order).toEqual(["THREAD_CREATE", "MESSAGE_UPDATE"]);

      const shown = await newestOf(general.id, bob, starter.id);
      expect(shown).toMatchObject({ flags: HAS_THREAD, thread: { id: thread.id, name: "Discussion", parent_id: general.id } });
      expect((await newestOf(general.id, bob, later.id))?.thread).toBeUndefined();
      const older = await history(general.id, bob, `?before=${later.id}&limit=5`);
      expect(older.find((message) => message.id === starter.id)).toMatchObject({ flags: HAS_THREAD, thread: { id: thread.id } });
      const one = expectStatus(await api.get<StarterBody>(`/channels/${general.id}/messages/${starter.id}`, bob), 200);
      expect(one).toMatchObject({ flags: HAS_THREAD, thread: { id: thread.id, name: "Discussion" } });
      // Pins and search show it too.
      expectStatus(await api.put(`/channels/${general.id}/pins/${starter.id}`, owner), 204);
      const pins = expectStatus(await api.get<StarterBody[]>(`/channels/${general.id}/pins`, bob), 200);
      expect(pins.find((message) => message.id === starter.id)?.thread?.id).toBe(thread.id);
      const found = expectStatus(await api.get<{ messages: StarterBody[][] }>(`/guilds/${general.guild_id}/messages/search?content=discuss`, bob), 200);
      expect(found.messages.flat().find((message) => message.id === starter.id)?.thread?.id).toBe(thread.id);

      // An edit keeps the flag (a library echoes it back) and shows the thread in its answer and MESSAGE_UPDATE.
      const edited = expectStatus(await api.patch<StarterBody>(`/channels/${general.id}/messages/${starter.id}`, alice, { content: "Let's discuss (edited)", flags: HAS_THREAD }), 200);
      expect(edited).toMatchObject({ flags: HAS_THREAD, thread: { id: thread.id } });
      const editUpdate = await bobClient.dispatch("MESSAGE_UPDATE", (d) => d.id === starter.id && d.content === "Let's discuss (edited)");
      expect(editUpdate.d.thread.id).toBe(thread.id);

      // carol, who cannot see the parent, got neither dispatch; a later one she may see proves her session was live.
      await send(api, owner, (await guildWith(api, owner, { members: [carol] })).general.id, "carol's marker");
      await carolClient.dispatch("MESSAGE_CREATE", (d) => d.content === "carol's marker");
      expect(carolClient.dispatches("THREAD_CREATE")).toEqual([]);
      expect(carolClient.dispatches("MESSAGE_UPDATE")).toEqual([]);
    });

    test("the kept page follows the thread: renamed, archived, a message sent in it, deleted", async () => {
      const { general } = await guildWith(api, owner, { members: [alice, bob] });
      const starter = await send(api, alice, general.id, "Topic");
      const thread = expectStatus(await api.post<{ id: string }>(`/channels/${general.id}/messages/${starter.id}/threads`, alice, { name: "First name" }), 201);
      expect((await newestOf(general.id, bob, starter.id))?.thread?.name).toBe("First name");

      expectStatus(await api.patch(`/channels/${thread.id}`, alice, { name: "Second name" }), 200);
      expect((await newestOf(general.id, bob, starter.id))?.thread?.name).toBe("Second name");

      await send(api, bob, thread.id, "inside the thread");
      expect((await newestOf(general.id, bob, starter.id))?.thread?.message_count).toBe(1);

      expectStatus(await api.patch(`/channels/${thread.id}`, alice, { archived: true }), 200);
      expect((await newestOf(general.id, bob, starter.id))?.thread?.thread_metadata.archived).toBe(true);

      expectStatus(await api.delete(`/channels/${thread.id}`, owner), 200);
      const after = await newestOf(general.id, bob, starter.id);
      expect(after?.thread).toBeUndefined();
      expect(after?.flags).toBe(0);
      const one = expectStatus(await api.get<StarterBody>(`/channels/${general.id}/messages/${starter.id}`, bob), 200);
      expect(one.thread).toBeUndefined();
    });

    test("a thread without a message flags nothing, and a sender cannot set HAS_THREAD", async () => {
      const { general } = await guildWith(api, owner, { members: [alice] });
      const message = await send(api, alice, general.id, "no thread here");
      expectStatus(await api.post(`/channels/${general.id}/threads`, alice, { name: "Loose thread", type: 11 }), 201);
      const shown = await newestOf(general.id, alice, message.id);
      expect(shown?.flags).toBe(0);
      expect(shown?.thread).toBeUndefined();
      const refused = await api.post(`/channels/${general.id}/messages`, alice, { content: "flagged", flags: HAS_THREAD });
      expect(refused.status).toBe(400);
    });
  });
}
