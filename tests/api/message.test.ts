import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestUser, registerUser } from "../support/identity";
import { type ApiClient, type GuildBody, expectError, expectStatus, generalOf, guildWith, joinAll, startGuildServer } from "../support/guild";
import { type MessageBody, createTextChannel, history, openDm, overwriteMember, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

for (const mode of MODES) {
  describe(`messages: send, read, edit, delete (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    let guild: GuildBody;
    let general: string;

    beforeAll(async () => {
      ({ server, api, users: [owner, member, outsider] } = await startGuildServer(mode, 3));
      ({ guild } = await guildWith(api, owner, { name: "Messages", members: [member] }));
      general = generalOf(guild).id;
    });
    afterAll(() => server.stop());

    test("a sent message comes back whole, and becomes the channel's last message", async () => {
      const reply = await api.post<MessageBody>(`/channels/${general}/messages`, member, { content: "hello there" });
      const message = expectStatus(reply, 201);
      expect(message).toMatchObject({
        type: 0,
        channel_id: general,
        guild_id: guild.id,
        author: { id: member.user.id, username: member.user.username },
        content: "hello there",
        edited_at: null,
        mentions: [],
        mention_everyone: false,
        attachments: [],
        reactions: [],
        pinned: false,
        // Discord's names and fields, for its libraries: the same times, and nothing XCord does not have yet.
        timestamp: message.created_at,
        edited_timestamp: null,
        tts: false,
        mention_roles: [],
        embeds: [],
        components: [],
        flags: 0,
      });
      expect(Date.parse(message.created_at)).toBeGreaterThan(Date.now() - 60_000);
      // `member` is on MESSAGE_CREATE only (message-replies.test.ts), as Discord: REST answers leave it out.
      expect(message).not.toHaveProperty("member");
      expect(expectStatus(await api.get(`/channels/${general}/messages/${message.id}`, owner), 200)).toEqual(message);
      expect(expectStatus(await api.get<{ last_message_id: string }>(`/channels/${general}`, owner), 200).last_message_id).toBe(message.id);
    });

    test("content is at most 4000 code points, not blank, and unknown fields are refused", async () => {
      expect((await send(api, member, general, "😀".repeat(4000))).content).toHaveLength(8000);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "😀".repeat(4001) }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "x".repeat(4001) }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "   " }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, {}), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "hi", bogus: true }), 400, 50035);
      // Discord's tts is accepted, and ignored: XCord has no text-to-speech.
      expect(expectStatus(await api.post<MessageBody>(`/channels/${general}/messages`, member, { content: "hi", tts: true }), 201).tts).toBe(false);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "hi", nonce: "x".repeat(26) }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "hi", enforce_nonce: true }), 400, 50035);
      expectError(await api.post(`/channels/${general}/messages`, member, { content: "hi", attachments: ["123"] }), 400, 50035);
    });

    test("voice channels and categories hold no messages (400); unknown channels are 404 10003", async () => {
      const voice = guild.channels.find((channel) => channel.type === 2)!;
      expectError(await api.post(`/channels/${voice.id}/messages`, owner, { content: "hi" }), 400, 50008);
      expectError(await api.get(`/channels/${voice.id}/messages`, owner), 400, 50008);
      expectError(await api.post("/channels/123/messages", owner, { content: "hi" }), 404, 10003);
      expectError(await api.get("/channels/123/messages", owner), 404, 10003);
      expectError(await api.post(`/channels/${general}/messages`, null, { content: "hi" }), 401, 40001);
    });

    test("non-members and members without VIEW_CHANNEL get 403 50001; missing SEND or READ_MESSAGE_HISTORY 403 50013", async () => {
      const message = await send(api, owner, general, "visible to members");
      expectError(await api.post(`/channels/${general}/messages`, outsider, { content: "hi" }), 403, 50001);
      expectError(await api.get(`/channels/${general}/messages`, outsider), 403, 50001);
      expectError(await api.get(`/channels/${general}/messages/${message.id}`, outsider), 403, 50001);

      const hidden = await createTextChannel(api, owner, guild.id, "hidden");
      await overwriteMember(api, owner, hidden.id, member.user.id, { deny: ["VIEW_CHANNEL"] });
      expectError(await api.post(`/channels/${hidden.id}/messages`, member, { content: "hi" }), 403, 50001);
      expectError(await api.get(`/channels/${hidden.id}/messages`, member), 403, 50001);

      const readOnly = await createTextChannel(api, owner, guild.id, "announcements");
      await overwriteMember(api, owner, readOnly.id, member.user.id, { deny: ["SEND_MESSAGES"] });
      expectError(await api.post(`/channels/${readOnly.id}/messages`, member, { content: "hi" }), 403, 50013);
      expect(await history(api, member, readOnly.id)).toEqual([]);

      const noHistory = await createTextChannel(api, owner, guild.id, "ephemeral");
      await overwriteMember(api, owner, noHistory.id, member.user.id, { deny: ["READ_MESSAGE_HISTORY"] });
      const sent = await send(api, member, noHistory.id, "I can send but not read back");
      expectError(await api.get(`/channels/${noHistory.id}/messages`, member), 403, 50013);
      expectError(await api.get(`/channels/${noHistory.id}/messages/${sent.id}`, member), 403, 50013);
      expect((await api.get(`/channels/${noHistory.id}/messages`, member)).body).toMatchObject({ message: expect.stringContaining("READ_MESSAGE_HISTORY") });
    });

    test("only the author edits (403 50005); an edit sets edited_at and keeps created_at", async () => {
      const message = await send(api, member, general, "first draft");
      expectError(await api.patch(`/channels/${general}/messages/${message.id}`, owner, { content: "hijacked" }), 403, 50005);
      expectError(await api.patch(`/channels/${general}/messages/123`, member, { content: "x" }), 404, 10008);
      expectError(await api.patch(`/channels/${general}/messages/${message.id}`, member, { content: "" }), 400, 50035);
      const edited = expectStatus(await api.patch<MessageBody>(`/channels/${general}/messages/${message.id}`, member, { content: "final" }), 200);
      expect(edited).toMatchObject({ id: message.id, content: "final", created_at: message.created_at });
      expect(Date.parse(edited.edited_at!)).toBeGreaterThanOrEqual(Date.parse(message.created_at));
      expect(edited.edited_timestamp).toBe(edited.edited_at);
      expect(expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${message.id}`, member), 200).content).toBe("final");
    });

    test("the author deletes their message; others need MANAGE_MESSAGES (403 50013); deleted means gone", async () => {
      const mine = await send(api, member, general, "delete me");
      const theirs = await send(api, owner, general, "the owner's");
      expectError(await api.delete(`/channels/${general}/messages/${theirs.id}`, member), 403, 50013);
      expectStatus(await api.delete(`/channels/${general}/messages/${mine.id}`, member), 204);
      expectError(await api.get(`/channels/${general}/messages/${mine.id}`, member), 404, 10008);
      expectError(await api.delete(`/channels/${general}/messages/${mine.id}`, member), 404, 10008);
      expect((await history(api, member, general)).map((message) => message.id)).not.toContain(mine.id);
      const another = await send(api, member, general, "moderated");
      expectStatus(await api.delete(`/channels/${general}/messages/${another.id}`, owner), 204);
      expectError(await api.get(`/channels/${general}/messages/${another.id}`, owner), 404, 10008);
    });

    test("mentions: only users who can see the channel; @everyone only with MENTION_EVERYONE", async () => {
      const message = await send(api, member, general, `hi <@${owner.user.id}> <@!${member.user.id}> <@${outsider.user.id}> <@123> @everyone`);
      expect(message.mentions.map((user) => user.id)).toEqual([owner.user.id, member.user.id]);
      expect(message.mention_everyone).toBe(false);
      expect(message.content).toContain("@everyone");
      const announcement = await send(api, owner, general, "@everyone meeting now");
      expect(announcement.mention_everyone).toBe(true);
    });

    test("DMs: both participants send and read; nobody else can; no guild_id", async () => {
      const dm = await openDm(api, member, outsider);
      const message = await send(api, outsider, dm.id, `psst <@${member.user.id}> <@${owner.user.id}> @everyone`);
      expect(message.guild_id).toBeUndefined();
      expect(message.mentions.map((user) => user.id)).toEqual([member.user.id]);
      expect(message.mention_everyone).toBe(false);
      expect((await history(api, member, dm.id)).map((m) => m.id)).toEqual([message.id]);
      expectError(await api.get(`/channels/${dm.id}/messages`, owner), 403, 50001);
      expectError(await api.post(`/channels/${dm.id}/messages`, owner, { content: "let me in" }), 403, 50001);
      expectError(await api.delete(`/channels/${dm.id}/messages/${message.id}`, member), 403, 50013);
    });

    test("a deleted account's messages stay, shown as Deleted User", async () => {
      const leaving = await registerUser(server);
      await joinAll(api, owner, guild, [leaving]);
      const message = await send(api, leaving, general, "goodbye");
      expectStatus(await api.delete("/users/@me", leaving, { password: leaving.password }), 204);
      const seen = expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${message.id}`, owner), 200);
      expect(seen.author).toMatchObject({ id: leaving.user.id, display_name: "Deleted User" });
      expect(seen.author.username).not.toBe(leaving.user.username);
    });
  });
}
