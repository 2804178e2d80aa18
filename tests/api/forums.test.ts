import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gatewaySessions } from "../support/gateway";
import { type ApiClient, type ChannelBody, expectError, expectStatus, guildWith } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, history, overwriteMember, pngBytes, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";
import { startGuildServer } from "../support/guild";

/** A forum as the API shows it (Discord's channel object of type 15). */
interface ForumBody extends ChannelBody {
  flags: number;
  rate_limit_per_user: number;
  available_tags: Array<{ id: string; name: string; moderated: boolean; emoji_id: string | null; emoji_name: string | null }>;
  default_reaction_emoji: { emoji_id: string | null; emoji_name: string | null } | null;
  default_sort_order: number | null;
  default_forum_layout: number;
  default_thread_rate_limit_per_user: number;
}
/** A forum post: a public thread with its tags, and on creation its first message. */
interface PostBody extends ChannelBody {
  owner_id: string;
  flags: number;
  applied_tags: string[];
  rate_limit_per_user: number;
  message_count: number;
  member_count: number;
  thread_metadata: { archived: boolean; locked: boolean };
  message?: MessageBody;
}
interface ThreadListBody {
  threads: PostBody[];
  has_more?: boolean;
}

const PNG = `data:image/png;base64,${Buffer.from(pngBytes()).toString("base64")}`;
const REQUIRE_TAG = 16;
const PINNED = 2;

for (const mode of MODES) {
  describe(`forum channels (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, moderator: TestUser, alice: TestUser, bob: TestUser, outsider: TestUser;
    const sessions = gatewaySessions(() => server.url);
    const connect = sessions.connect;
    beforeAll(async () => {
      ({ server, api, users: [owner, moderator, alice, bob, outsider] } = await startGuildServer(mode, 5, { RATE_LIMIT_SCALE: "1000" }));
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    /** A guild where `moderator` holds MANAGE_THREADS and MANAGE_CHANNELS, alice and bob only @everyone's defaults. */
    const forumGuild = async () =>
      guildWith(api, owner, {
        members: [moderator, alice, bob],
        roles: { mods: { name: "Mods", permissions: ["MANAGE_THREADS", "MANAGE_CHANNELS"], holders: [moderator] } },
      });
    const createForum = (guildId: string, as: TestUser, body: Record<string, unknown>) => api.post<ForumBody>(`/guilds/${guildId}/channels`, as, { type: 15, ...body });
    const forumIn = async (guildId: string, body: Record<string, unknown> = {}) =>
      expectStatus(
        await createForum(guildId, owner, {
          name: "Help Desk",
          available_tags: [{ name: "question" }, { name: "solved", moderated: true }, { name: "bug", emoji_name: "🐛" }],
          ...body,
        }),
        201,
      );
    const post = (forumId: string, as: TestUser, body: Record<string, unknown>) => api.post<PostBody>(`/channels/${forumId}/threads`, as, body);
    const tagId = (forum: ForumBody, name: string) => forum.available_tags.find((tag) => tag.name === name)!.id;

    test("a forum is created with its tags (ids given by the server), defaults and guidelines, and read back everywhere", async () => {
      const { guild } = await forumGuild();
      const emoji = expectStatus(await api.post<{ id: string }>(`/guilds/${guild.id}/emojis`, owner, { name: "party", image: PNG }), 201);
      const { client } = await connect(alice);
      const guidelines = "Be kind. ".repeat(400).trim();
      const forum = await forumIn(guild.id, {
        topic: guidelines,
        default_reaction_emoji: { emoji_id: emoji.id },
        default_sort_order: 1,
        default_forum_layout: 2,
        default_thread_rate_limit_per_user: 30,
        flags: REQUIRE_TAG,
        available_tags: [{ name: "question", emoji_id: emoji.id }, { name: "solved", moderated: true }],
      });
      expect(forum).toMatchObject({
        type: 15,
        name: "help-desk",
        topic: guidelines,
        flags: REQUIRE_TAG,
        default_reaction_emoji: { emoji_id: emoji.id, emoji_name: null },
        default_sort_order: 1,
        default_forum_layout: 2,
        default_thread_rate_limit_per_user: 30,
        available_tags: [
          { name: "question", moderated: false, emoji_id: emoji.id, emoji_name: null },
          { name: "solved", moderated: true, emoji_id: null, emoji_name: null },
        ],
      });
      expect(guidelines.length).toBeGreaterThan(1024);
      for (const tag of forum.available_tags) expect(tag.id).toMatch(/^[0-9]{15,20}$/);
      expect(new Set(forum.available_tags.map((tag) => tag.id)).size).toBe(2);
      expect(expectStatus(await api.get<ForumBody>(`/channels/${forum.id}`, bob), 200)).toEqual(forum);
      expect(expectStatus(await api.get<ForumBody[]>(`/guilds/${guild.id}/channels`, bob), 200).find((channel) => channel.id === forum.id)).toEqual(forum);
      expect((await client.dispatch("CHANNEL_CREATE", (d) => d.id === forum.id)).d).toEqual(forum);
      // A session that starts now has it in READY's guild.
      const { ready } = await connect(bob);
      const readyGuild = (ready.guilds as Array<{ id: string; channels: ChannelBody[] }>).find((entry) => entry.id === guild.id)!;
      expect(readyGuild.channels.find((channel) => channel.id === forum.id)).toEqual(forum);
    });

    test("forum fields are checked: counts, lengths, ranges, emoji of the guild, flags; they are ignored on other channels", async () => {
      const { guild } = await forumGuild();
      const { guild: other } = await guildWith(api, owner, {});
      const foreign = expectStatus(await api.post<{ id: string }>(`/guilds/${other.id}/emojis`, owner, { name: "elsewhere", image: PNG }), 201);
      const bad = async (body: Record<string, unknown>) => expectError(await createForum(guild.id, owner, { name: "bad", ...body }), 400, 50035);
      await bad({ available_tags: Array.from({ length: 21 }, (_, index) => ({ name: `tag${index}` })) });
      await bad({ available_tags: [{ name: "x".repeat(21) }] });
      await bad({ available_tags: [{ name: "   " }] });
      await bad({ available_tags: [{ name: "same" }, { name: "Same" }] });
      await bad({ available_tags: [{ name: "both", emoji_id: foreign.id, emoji_name: "🐛" }] });
      await bad({ available_tags: [{ name: "foreign", emoji_id: foreign.id }] });
      await bad({ default_reaction_emoji: { emoji_id: foreign.id } });
      await bad({ default_reaction_emoji: { emoji_id: "123456789012345678" } });
      await bad({ default_sort_order: 2 });
      await bad({ default_forum_layout: 3 });
      await bad({ default_thread_rate_limit_per_user: 21_601 });
      await bad({ flags: PINNED });
      await bad({ topic: "x".repeat(4097) });
      expectError(await api.post(`/guilds/${guild.id}/channels`, owner, { name: "text", topic: "x".repeat(1025) }), 400, 50035);
      // Nothing of the refused ones was written.
      const channels = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, owner), 200);
      expect(channels.filter((channel) => channel.type === 15)).toEqual([]);
      // A text channel takes no forum settings: sent anyway, they are ignored, as before forums existed.
      const text = expectStatus(await api.post<Record<string, unknown>>(`/guilds/${guild.id}/channels`, owner, { name: "plain", available_tags: [{ name: "ignored" }], flags: REQUIRE_TAG }), 201);
      expect(text.available_tags).toBeUndefined();
      expect(text.flags).toBeUndefined();
      expectError(await createForum(guild.id, alice, { name: "mine" }), 403, 50013);
    });

    test("PATCH keeps tags sent with their id, gives new ones ids, drops the others; MANAGE_CHANNELS; CHANNEL_UPDATE carries them", async () => {
      const { guild } = await forumGuild();
      const forum = await forumIn(guild.id);
      const { client } = await connect(bob);
      const question = forum.available_tags[0]!;
      const updated = expectStatus(
        await api.patch<ForumBody>(`/channels/${forum.id}`, moderator, {
          available_tags: [{ id: question.id, name: "questions", moderated: true }, { name: "idea", emoji_name: "💡" }],
          default_forum_layout: 1,
          topic: "Search before posting",
          flags: REQUIRE_TAG,
        }),
        200,
      );
      expect(updated.available_tags).toEqual([
        { id: question.id, name: "questions", moderated: true, emoji_id: null, emoji_name: null },
        { id: expect.stringMatching(/^[0-9]+$/), name: "idea", moderated: false, emoji_id: null, emoji_name: "💡" },
      ]);
      expect(updated).toMatchObject({ default_forum_layout: 1, topic: "Search before posting", flags: REQUIRE_TAG });
      expect((await client.dispatch("CHANNEL_UPDATE", (d) => d.id === forum.id)).d).toEqual(updated);
      expect(expectStatus(await api.get<ForumBody>(`/channels/${forum.id}`, alice), 200)).toEqual(updated);
      expectError(await api.patch(`/channels/${forum.id}`, moderator, { available_tags: [{ id: "123456789012345678", name: "forged" }] }), 400, 50035);
      expectError(await api.patch(`/channels/${forum.id}`, alice, { available_tags: [] }), 403, 50013);
      expectError(await api.patch(`/channels/${forum.id}`, alice, { flags: 0 }), 403, 50013);
      // The audit log lists the forum fields that changed, under Discord's keys.
      const audit = expectStatus(await api.get<{ audit_log_entries: Array<{ target_id: string; changes: Array<{ key: string; old_value?: unknown; new_value?: unknown }> }> }>(`/guilds/${guild.id}/audit-logs?action_type=11&limit=1`, owner), 200);
      const entry = audit.audit_log_entries[0]!;
      expect(entry.target_id).toBe(forum.id);
      expect(entry.changes.map((change) => change.key).sort()).toEqual(["available_tags", "default_forum_layout", "flags", "topic"]);
      expect(entry.changes.find((change) => change.key === "flags")).toEqual({ key: "flags", new_value: REQUIRE_TAG });
      expect(expectStatus(await api.patch<ForumBody>(`/channels/${forum.id}`, owner, { available_tags: [], flags: 0, default_reaction_emoji: null }), 200)).toMatchObject({
        available_tags: [],
        flags: 0,
        default_reaction_emoji: null,
      });
    });

    test("a post is a public thread whose first message has its id; THREAD_CREATE and MESSAGE_CREATE reach those who see the forum only", async () => {
      const { guild } = await forumGuild();
      const forum = await forumIn(guild.id, { default_thread_rate_limit_per_user: 60 });
      await overwriteMember(api, owner, forum.id, bob.user.id, { deny: ["VIEW_CHANNEL"] });
      const { client: aliceClient } = await connect(alice);
      const { client: modClient } = await connect(moderator);
      const { client: bobClient } = await connect(bob);
      const created = expectStatus(
        await post(forum.id, alice, { name: "How do I start?", applied_tags: [tagId(forum, "question")], message: { content: "Where are the docs?", embeds: [{ title: "Context" }] } }),
        201,
      );
      expect(created).toMatchObject({
        type: 11,
        guild_id: guild.id,
        parent_id: forum.id,
        owner_id: alice.user.id,
        name: "How do I start?",
        applied_tags: [tagId(forum, "question")],
        flags: 0,
        rate_limit_per_user: 60,
        message_count: 0,
        member_count: 1,
        last_message_id: created.id,
        thread_metadata: { archived: false, locked: false },
      });
      expect(created.message).toMatchObject({ id: created.id, channel_id: created.id, content: "Where are the docs?", type: 0, author: { id: alice.user.id }, embeds: [{ title: "Context" }] });
      const made = await aliceClient.dispatch("THREAD_CREATE", (d) => d.id === created.id);
      expect(made.d).toMatchObject({ newly_created: true, parent_id: forum.id, applied_tags: [tagId(forum, "question")] });
      expect(made.d.message).toBeUndefined();
      await modClient.dispatch("THREAD_CREATE", (d) => d.id === created.id);
      expect((await modClient.dispatch("MESSAGE_CREATE", (d) => d.id === created.id)).d).toMatchObject({ channel_id: created.id, content: "Where are the docs?" });
      // The post's messages are read in the thread, the first one with the thread's id.
      expect((await history(api, moderator, created.id)).map((message) => message.id)).toEqual([created.id]);
      await send(api, moderator, created.id, { content: "See the wiki" });
      const read = expectStatus(await api.get<PostBody>(`/channels/${created.id}`, alice), 200);
      expect(read).toMatchObject({ applied_tags: [tagId(forum, "question")], message_count: 1, member_count: 2 });
      expect(read.message).toBeUndefined();
      // Bob cannot see the forum: none of it reached him, and he cannot read it.
      const text = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, owner), 200).find((channel) => channel.type === 0)!;
      await send(api, owner, text.id, { content: "marker after the post" });
      await bobClient.dispatch("MESSAGE_CREATE", (d) => d.content === "marker after the post");
      expect(bobClient.dispatches("THREAD_CREATE")).toEqual([]);
      expect(bobClient.dispatches("MESSAGE_CREATE").map((frame) => frame.d.channel_id)).not.toContain(created.id);
      expectError(await api.get(`/channels/${created.id}`, bob), 403, 50001);
      expectError(await post(forum.id, bob, { name: "sneaky", message: { content: "hi" } }), 403, 50001);
      expectError(await post(forum.id, outsider, { name: "outside", message: { content: "hi" } }), 403, 50001);

      // Let in, bob gets the forum and its active posts at once (THREAD_LIST_SYNC), as for a text channel.
      expectStatus(await api.delete(`/channels/${forum.id}/permissions/${bob.user.id}`, owner), 204);
      const sync = await bobClient.dispatch("THREAD_LIST_SYNC", (d) => d.channel_ids?.[0] === forum.id);
      expect(sync.d.threads.map((thread: PostBody) => thread.id)).toEqual([created.id]);
      expect(sync.d.threads[0].applied_tags).toEqual([tagId(forum, "question")]);
    });

    test("posting takes SEND_MESSAGES in the forum (not CREATE_PUBLIC_THREADS), a first message, and the forum's tags", async () => {
      const { guild } = await forumGuild();
      const forum = await forumIn(guild.id, { flags: REQUIRE_TAG });
      const question = tagId(forum, "question");
      const before = expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, owner), 200).threads.length;
      expectError(await post(forum.id, alice, { name: "No tag", message: { content: "hi" } }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Unknown tag", applied_tags: ["123456789012345678"], message: { content: "hi" } }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Too many", applied_tags: Array.from({ length: 6 }, () => question), message: { content: "hi" } }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "No message", applied_tags: [question] }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Empty message", applied_tags: [question], message: {} }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Reply", applied_tags: [question], message: { content: "hi", message_reference: { message_id: forum.id } } }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Files", applied_tags: [question], message: { content: "hi", attachments: ["123456789012345678"] } }), 400, 50035);
      expectError(await post(forum.id, alice, { name: "Moderated", applied_tags: [tagId(forum, "solved")], message: { content: "hi" } }), 403, 50013);
      // None of the refused posts left a thread behind.
      expect(expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, owner), 200).threads.length).toBe(before);
      expect(expectStatus(await post(forum.id, moderator, { name: "Solved", applied_tags: [tagId(forum, "solved")], message: { content: "done" } }), 201).applied_tags).toEqual([
        tagId(forum, "solved"),
      ]);
      await overwriteMember(api, owner, forum.id, alice.user.id, { deny: ["CREATE_PUBLIC_THREADS"] });
      expectStatus(await post(forum.id, alice, { name: "Still fine", applied_tags: [question], message: { content: "hi" } }), 201);
      await overwriteMember(api, owner, forum.id, alice.user.id, { deny: ["SEND_MESSAGES"] });
      expectError(await post(forum.id, alice, { name: "Muted", applied_tags: [question], message: { content: "hi" } }), 403, 50013);
    });

    test("a forum's slow mode spaces each member's posts; a refused post does not take the window", async () => {
      const { guild } = await forumGuild();
      const forum = await forumIn(guild.id, { rate_limit_per_user: 600 });
      expect(forum.rate_limit_per_user).toBe(600);
      expectError(await post(forum.id, alice, { name: "Empty", message: {} }), 400, 50035);
      expectStatus(await post(forum.id, alice, { name: "First", message: { content: "one" } }), 201);
      const held = await post(forum.id, alice, { name: "Second", message: { content: "two" } });
      expectError(held, 429, 20016);
      expectStatus(await post(forum.id, bob, { name: "Bob's", message: { content: "mine" } }), 201);
      // Moderators are not held, as on Discord.
      expectStatus(await post(forum.id, moderator, { name: "Mod 1", message: { content: "a" } }), 201);
      expectStatus(await post(forum.id, moderator, { name: "Mod 2", message: { content: "b" } }), 201);
      expect(expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, owner), 200).threads.map((thread) => thread.name).sort()).toEqual(["Bob's", "First", "Mod 1", "Mod 2"]);
    });

    test("a forum takes no messages of its own and no threads from messages; its posts are listed like other threads", async () => {
      const { guild } = await forumGuild();
      const forum = await forumIn(guild.id);
      expectError(await api.post(`/channels/${forum.id}/messages`, alice, { content: "straight in" }), 400, 50008);
      const created = expectStatus(await post(forum.id, alice, { name: "Listed", message: { content: "hello" } }), 201);
      expectError(await api.post(`/channels/${forum.id}/messages/${created.id}/threads`, alice, { name: "nested" }), 400, 50035);
      const active = expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, bob), 200);
      expect(active.threads.map((thread) => thread.id)).toContain(created.id);
      expectStatus(await api.patch(`/channels/${created.id}`, alice, { archived: true }), 200);
      const archived = expectStatus(await api.get<ThreadListBody>(`/channels/${forum.id}/threads/archived/public`, bob), 200);
      expect(archived.threads.map((thread) => thread.id)).toEqual([created.id]);
      expect(archived.threads[0]).toMatchObject({ applied_tags: [], thread_metadata: { archived: true } });
      expect(expectStatus(await api.get<ThreadListBody>(`/channels/${forum.id}/threads/archived/private`, moderator), 200).threads).toEqual([]);
    });

    test("a post's creator edits its tags (moderated ones: MANAGE_THREADS); pinning is MANAGE_THREADS', one post per forum", async () => {
      const { guild, general } = await forumGuild();
      const forum = await forumIn(guild.id, { flags: REQUIRE_TAG });
      const [question, solved, bug] = [tagId(forum, "question"), tagId(forum, "solved"), tagId(forum, "bug")];
      const first = expectStatus(await post(forum.id, alice, { name: "First", applied_tags: [question], message: { content: "1" } }), 201);
      const second = expectStatus(await post(forum.id, alice, { name: "Second", applied_tags: [question], message: { content: "2" } }), 201);
      const { client } = await connect(bob);
      expect(expectStatus(await api.patch<PostBody>(`/channels/${first.id}`, alice, { applied_tags: [question, bug] }), 200).applied_tags).toEqual([question, bug]);
      expect((await client.dispatch("THREAD_UPDATE", (d) => d.id === first.id)).d.applied_tags).toEqual([question, bug]);
      expectError(await api.patch(`/channels/${first.id}`, bob, { applied_tags: [bug] }), 403, 50013);
      expectError(await api.patch(`/channels/${first.id}`, alice, { applied_tags: [question, solved] }), 403, 50013);
      expectError(await api.patch(`/channels/${first.id}`, alice, { applied_tags: [] }), 400, 50035);
      expectError(await api.patch(`/channels/${first.id}`, alice, { applied_tags: ["123456789012345678"] }), 400, 50035);
      expect(expectStatus(await api.patch<PostBody>(`/channels/${first.id}`, moderator, { applied_tags: [solved] }), 200).applied_tags).toEqual([solved]);
      // Taking a moderated tag off is a moderator's too.
      expectError(await api.patch(`/channels/${first.id}`, alice, { applied_tags: [question] }), 403, 50013);

      expectError(await api.patch(`/channels/${first.id}`, alice, { flags: PINNED }), 403, 50013);
      expect(expectStatus(await api.patch<PostBody>(`/channels/${first.id}`, moderator, { flags: PINNED }), 200).flags).toBe(PINNED);
      expectError(await api.patch(`/channels/${second.id}`, moderator, { flags: PINNED }), 400, 50035);
      expectError(await api.patch(`/channels/${first.id}`, moderator, { flags: 1 }), 400, 50035);
      expect(expectStatus(await api.patch<PostBody>(`/channels/${first.id}`, moderator, { flags: 0 }), 200).flags).toBe(0);
      expect(expectStatus(await api.patch<PostBody>(`/channels/${second.id}`, moderator, { flags: PINNED }), 200).flags).toBe(PINNED);
      expect(expectStatus(await api.get<PostBody>(`/channels/${second.id}`, bob), 200).flags).toBe(PINNED);

      // A text channel's thread has neither tags nor a pin.
      const thread = expectStatus(await api.post<PostBody>(`/channels/${general.id}/threads`, alice, { name: "Plain", type: 11 }), 201);
      expect(thread.applied_tags).toBeUndefined();
      expectError(await api.patch(`/channels/${thread.id}`, alice, { applied_tags: [question] }), 400, 50035);
      expectError(await api.patch(`/channels/${thread.id}`, moderator, { flags: PINNED }), 400, 50035);
    });
  });
}
