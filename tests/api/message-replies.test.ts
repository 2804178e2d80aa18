import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fieldErrors } from "../support/errors";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, type RoleBody, createGuild, expectError, expectStatus, generalOf, grantRole, joinAll, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, createTextChannel, history, openDm, overwriteMember, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

for (const mode of MODES) {
  describe(`message replies, mentions and member (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let guild: GuildBody;
    let general: string;
    let gateway: GatewayClient;

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob] } = await startGuildServer(mode, 3));
      guild = await createGuild(api, owner, "Replies");
      general = generalOf(guild).id;
      await joinAll(api, owner, guild, [alice, bob]);
      gateway = (await identify(server.url, bob.access_token)).client;
    });
    afterAll(async () => {
      gateway.close();
      await server.stop();
    });

    test("a reply is type 19 with message_reference and referenced_message on REST, in history and on MESSAGE_CREATE", async () => {
      const original = await send(api, alice, general, "the question");
      const reply = await send(api, bob, general, { content: "the answer", message_reference: { message_id: original.id } });
      expect(reply).toMatchObject({
        type: 19,
        message_reference: { type: 0, message_id: original.id, channel_id: general, guild_id: guild.id },
        referenced_message: { id: original.id, content: "the question", author: { id: alice.user.id } },
      });
      // The replied-to author is mentioned by default.
      expect(reply.mentions.map((user) => user.id)).toEqual([alice.user.id]);
      expect(reply.referenced_message).not.toHaveProperty("referenced_message");
      const page = await history(api, bob, general);
      expect(page.find((message) => message.id === reply.id)).toMatchObject({ type: 19, referenced_message: { id: original.id, content: "the question" } });
      expect(page.find((message) => message.id === original.id)).not.toHaveProperty("message_reference");
      expect(expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${reply.id}`, alice), 200).referenced_message?.id).toBe(original.id);
      const created = await gateway.dispatch("MESSAGE_CREATE", (data) => data.id === reply.id);
      expect(created.d).toMatchObject({ type: 19, message_reference: { message_id: original.id }, referenced_message: { id: original.id, content: "the question" } });
    });

    test("a deleted replied-to message reads as referenced_message: null; the reference stays", async () => {
      const original = await send(api, alice, general, "soon gone");
      const reply = await send(api, bob, general, { content: "replying", message_reference: { message_id: original.id } });
      expectStatus(await api.delete(`/channels/${general}/messages/${original.id}`, alice), 204);
      const read = expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${reply.id}`, bob), 200);
      expect(read.referenced_message).toBeNull();
      expect(read.message_reference?.message_id).toBe(original.id);
      expect((await history(api, bob, general)).find((message) => message.id === reply.id)?.referenced_message).toBeNull();
    });

    test("an unknown or foreign replied-to message is 400 on message_reference, unless fail_if_not_exists is false", async () => {
      const other = expectStatus(await api.post<{ id: string }>(`/guilds/${guild.id}/channels`, owner, { name: "other", type: 0 }), 201);
      const elsewhere = await send(api, alice, other.id, "in another channel");
      for (const reference of [{ message_id: "123" }, { message_id: elsewhere.id }, { message_id: elsewhere.id, channel_id: other.id }]) {
        const reply = await api.post(`/channels/${general}/messages`, bob, { content: "x", message_reference: reference });
        expectError(reply, 400, 50035);
        expect(fieldErrors(reply.body)).toEqual({ message_reference: "Unknown message" });
      }
      const plain = await send(api, bob, general, { content: "sent anyway", message_reference: { message_id: "123", fail_if_not_exists: false } });
      expect(plain.type).toBe(0);
      expect(plain).not.toHaveProperty("message_reference");
      expectError(await api.post(`/channels/${general}/messages`, bob, { content: "x", message_reference: { message_id: elsewhere.id, type: 1 } }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, bob, { content: "x", message_reference: {} }), 400, 50035);
    });

    test("replies need READ_MESSAGE_HISTORY; in a DM the reference has no guild_id; an edit keeps or drops the replied-to mention", async () => {
      const channel = (await createTextChannel(api, owner, guild.id, "no-history")).id;
      const original = await send(api, alice, channel, "older");
      await overwriteMember(api, owner, channel, bob.user.id, { deny: ["READ_MESSAGE_HISTORY"] });
      expectError(await api.post(`/channels/${channel}/messages`, bob, { content: "x", message_reference: { message_id: original.id } }), 403, 50013);
      expect((await send(api, bob, channel, "plain is fine")).type).toBe(0);
      const dm = (await openDm(api, alice, bob)).id;
      const first = await send(api, alice, dm, "dm question");
      const answer = await send(api, bob, dm, { content: "dm answer", message_reference: { message_id: first.id } });
      expect(answer.message_reference).toEqual({ type: 0, message_id: first.id, channel_id: dm });
      expect(answer.mentions.map((user) => user.id)).toEqual([alice.user.id]);
      const kept = expectStatus(await api.patch<MessageBody>(`/channels/${dm}/messages/${answer.id}`, bob, { content: "dm answer, edited" }), 200);
      expect({ mentions: kept.mentions.map((user) => user.id), referenced: kept.referenced_message?.id }).toEqual({ mentions: [alice.user.id], referenced: first.id });
      const dropped = expectStatus(await api.patch<MessageBody>(`/channels/${dm}/messages/${answer.id}`, bob, { content: "quiet now", allowed_mentions: { replied_user: false } }), 200);
      expect(dropped.mentions).toEqual([]);
    });

    test("allowed_mentions: parse, users lists and replied_user decide who is mentioned; parse and a list of one kind are exclusive", async () => {
      const original = await send(api, alice, general, "ping me");
      const text = `<@${alice.user.id}> <@${owner.user.id}>`;
      const none = await send(api, bob, general, { content: text, allowed_mentions: { parse: [] } });
      expect(none.mentions).toEqual([]);
      const listed = await send(api, bob, general, { content: text, allowed_mentions: { users: [owner.user.id] } });
      expect(listed.mentions.map((user) => user.id)).toEqual([owner.user.id]);
      const parsed = await send(api, bob, general, { content: text, allowed_mentions: { parse: ["users"] } });
      expect(parsed.mentions.map((user) => user.id).sort()).toEqual([alice.user.id, owner.user.id].sort());
      const quiet = await send(api, bob, general, { content: "quiet reply", message_reference: { message_id: original.id }, allowed_mentions: { replied_user: false } });
      expect(quiet.mentions).toEqual([]);
      const loud = await send(api, bob, general, { content: "loud reply", message_reference: { message_id: original.id }, allowed_mentions: { parse: [], replied_user: true } });
      expect(loud.mentions.map((user) => user.id)).toEqual([alice.user.id]);
      const exclusive = await api.post(`/channels/${general}/messages`, bob, { content: text, allowed_mentions: { parse: ["users"], users: [alice.user.id] } });
      expectError(exclusive, 400, 50035);
      expect(Object.keys(fieldErrors(exclusive.body))).toEqual(["allowed_mentions"]);
      const tooMany = Array.from({ length: 101 }, (_, index) => String(1000 + index));
      expectError(await api.post(`/channels/${general}/messages`, bob, { content: "x", allowed_mentions: { users: tooMany } }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, bob, { content: "x", allowed_mentions: { parse: ["channels"] } }), 400, 50035);
      // @everyone needs parse: ["everyone"] as well as MENTION_EVERYONE (the owner has it).
      expect((await send(api, owner, general, { content: "@everyone hi", allowed_mentions: { parse: [] } })).mention_everyone).toBe(false);
      expect((await send(api, owner, general, { content: "@everyone hi", allowed_mentions: { parse: ["everyone"] } })).mention_everyone).toBe(true);
    });

    test("role mentions: roles of this guild that are mentionable (any with MENTION_EVERYONE), narrowed by allowed_mentions", async () => {
      const open = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: "open", mentionable: true }), 201);
      const closed = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: "closed" }), 201);
      const foreign = await createGuild(api, owner, "Elsewhere");
      const text = `<@&${open.id}> <@&${closed.id}> <@&${foreign.id}> <@&${guild.id}>`;
      expect((await send(api, bob, general, text)).mention_roles).toEqual([open.id]);
      expect((await send(api, owner, general, text)).mention_roles).toEqual([open.id, closed.id]);
      expect((await send(api, owner, general, { content: text, allowed_mentions: { roles: [closed.id] } })).mention_roles).toEqual([closed.id]);
      expect((await send(api, owner, general, { content: text, allowed_mentions: { parse: ["users"] } })).mention_roles).toEqual([]);
      const stored = (await history(api, bob, general))[0]!;
      expect(stored.mention_roles).toEqual([]);
      expect((await history(api, bob, general))[2]!.mention_roles).toEqual([open.id, closed.id]);
    });

    test("guild MESSAGE_CREATE and MESSAGE_UPDATE carry the author's member; REST answers do not", async () => {
      const role = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: "badge" }), 201);
      await grantRole(api, owner, guild.id, alice.user.id, role.id);
      expectStatus(await api.patch(`/guilds/${guild.id}/members/${alice.user.id}`, owner, { nick: "Al" }), 200);
      const sent = await send(api, alice, general, "with member");
      const created = await gateway.dispatch("MESSAGE_CREATE", (data) => data.id === sent.id);
      expect(created.d.member).toMatchObject({ roles: [role.id], nick: "Al", deaf: false, mute: false, flags: 0, avatar: null });
      expect(typeof created.d.member.joined_at).toBe("string");
      expectStatus(await api.patch(`/channels/${general}/messages/${sent.id}`, alice, { content: "edited" }), 200);
      const updated = await gateway.dispatch("MESSAGE_UPDATE", (data) => data.id === sent.id);
      expect(updated.d.member).toMatchObject({ roles: [role.id], nick: "Al" });
      expect(sent).not.toHaveProperty("member");
      expect((await history(api, bob, general)).find((message) => message.id === sent.id)).not.toHaveProperty("member");
    });

    test("flags: SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS are kept, other bits are 400; an edit toggles SUPPRESS_EMBEDS", async () => {
      const sent = await send(api, alice, general, { content: "quiet", flags: 4096 | 4 });
      expect(sent.flags).toBe(4100);
      expectError(await api.post(`/channels/${general}/messages`, alice, { content: "x", flags: 1 << 6 }), 400, 50035);
      const edited = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice, { flags: 4096 }), 200);
      expect(edited.flags).toBe(4096);
      expect((await history(api, alice, general)).find((message) => message.id === sent.id)?.flags).toBe(4096);
    });

    test("Discord's other send fields are accepted: tts (stored false), components, sticker_ids and poll ignored; unknown fields 400", async () => {
      const sent = await send(api, alice, general, { content: "all fields", tts: true, components: [], sticker_ids: [], nonce: "n-1", enforce_nonce: true });
      expect(sent).toMatchObject({ tts: false, components: [], nonce: "n-1" });
      const again = expectStatus(await api.post<MessageBody>(`/channels/${general}/messages`, alice, { content: "all fields", nonce: "n-1", enforce_nonce: true }), 200);
      expect(again.id).toBe(sent.id);
      expectError(await api.post(`/channels/${general}/messages`, alice, { content: "x", stickers: [] }), 400, 50035);
      // Edits as discord.js and discord.py send them: their whole payload, tts and enforce_nonce included.
      const edited = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${sent.id}`, alice, { content: "edited", tts: false, enforce_nonce: false, embeds: [], flags: 0 }), 200);
      expect(edited.content).toBe("edited");
      expectError(await api.patch(`/channels/${general}/messages/${sent.id}`, alice, { content: "x", bogus: 1 }), 400, 50035);
      // discord.py sends content: null with embeds only.
      expect((await send(api, alice, general, { content: null, embeds: [{ title: "only an embed" }] })).content).toBe("");
    });
  });
}
