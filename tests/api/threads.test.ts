import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify, gatewaySessions } from "../support/gateway";
import { type ApiClient, type ChannelBody, apiClient, expectError, expectStatus, guildWith, joinAll, registerUsers, startGuildServer } from "../support/guild";
import { type TestUser, identityEnv, logIn } from "../support/identity";
import { overwriteMember, send } from "../support/message";
import { MODES, type TestServer, modeNamed, startServer } from "../support/server";
import { createManualClock } from "../../src/shared/kernel/clock";

/** A thread as the API shows it (Discord's channel object of type 11 or 12). */
interface ThreadBody extends ChannelBody {
  owner_id: string;
  message_count: number;
  member_count: number;
  rate_limit_per_user: number;
  thread_metadata: { archived: boolean; auto_archive_duration: number; archive_timestamp: string; locked: boolean; invitable?: boolean; create_timestamp: string };
}
interface ThreadMemberBody {
  id: string;
  user_id: string;
  join_timestamp: string;
  flags: number;
}
interface ThreadListBody {
  threads: ThreadBody[];
  members: ThreadMemberBody[];
  has_more?: boolean;
}

for (const mode of MODES) {
  describe(`threads (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, moderator: TestUser, alice: TestUser, bob: TestUser, outsider: TestUser;
    const sessions = gatewaySessions(() => server.url);
    const connect = sessions.connect;
    beforeAll(async () => {
      ({ server, api, users: [owner, moderator, alice, bob, outsider] } = await startGuildServer(mode, 5));
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    /** A guild where `moderator` holds MANAGE_THREADS and alice and bob hold only @everyone's defaults. */
    const threadGuild = async () => {
      const { guild, general } = await guildWith(api, owner, {
        members: [moderator, alice, bob],
        roles: { mods: { name: "Thread mods", permissions: ["MANAGE_THREADS"], holders: [moderator] } },
      });
      return { guild, general };
    };
    const startThread = (channelId: string, as: TestUser, body: object) => api.post<ThreadBody>(`/channels/${channelId}/threads`, as, body);
    const privateThread = async (channelId: string, as: TestUser, body: object = {}) =>
      expectStatus(await startThread(channelId, as, { name: "Secret plans", type: 12, ...body }), 201);
    const publicThread = async (channelId: string, as: TestUser, body: object = {}) =>
      expectStatus(await startThread(channelId, as, { name: "Open talk", type: 11, ...body }), 201);
    const getThread = async (id: string, as: TestUser) => expectStatus(await api.get<ThreadBody>(`/channels/${id}`, as), 200);

    test("a thread from a message takes the message's id and is public; a message starts one thread only", async () => {
      const { guild, general } = await threadGuild();
      const message = await send(api, alice, general.id, { content: "Let's discuss" });
      const thread = expectStatus(await api.post<ThreadBody>(`/channels/${general.id}/messages/${message.id}/threads`, alice, { name: "  Discussion  ", auto_archive_duration: 60 }), 201);
      expect(thread).toMatchObject({
        id: message.id,
        type: 11,
        guild_id: guild.id,
        parent_id: general.id,
        owner_id: alice.user.id,
        name: "Discussion",
        member_count: 1,
        message_count: 0,
        rate_limit_per_user: 0,
        thread_metadata: { archived: false, auto_archive_duration: 60, locked: false },
      });
      expect(thread.permission_overwrites).toBeUndefined();
      expectError(await api.post(`/channels/${general.id}/messages/${message.id}/threads`, bob, { name: "Again" }), 400, 160004);
      expectError(await api.post(`/channels/${general.id}/messages/1/threads`, bob, { name: "Nothing" }), 404, 10008);
      expectError(await api.post(`/channels/${general.id}/messages/${message.id}/threads`, alice, { name: "x", auto_archive_duration: 61 }), 400, 50035);
      expectError(await api.post(`/channels/${general.id}/messages/${message.id}/threads`, outsider, { name: "x" }), 403, 50001);
      // Threads are no channels of the guild's list.
      const listed = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, alice), 200);
      expect(listed.map((channel) => channel.id)).not.toContain(thread.id);
    });

    test("starting a thread needs CREATE_PUBLIC_THREADS or CREATE_PRIVATE_THREADS in the channel, and a text channel", async () => {
      const { guild, general } = await threadGuild();
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["CREATE_PUBLIC_THREADS"] });
      expectError(await startThread(general.id, bob, { name: "no", type: 11 }), 403, 50013);
      expect((await privateThread(general.id, bob)).type).toBe(12);
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["CREATE_PRIVATE_THREADS"] });
      expectError(await startThread(general.id, bob, { name: "no" }), 403, 50013);
      const voice = guild.channels.find((channel) => channel.type === 2)!;
      expectError(await startThread(voice.id, alice, { name: "no", type: 11 }), 400, 50035);
      expectError(await startThread(general.id, alice, { name: "no", type: 0 }), 400, 50035);
    });

    test("a private thread is seen by its members and MANAGE_THREADS holders only, and so are its dispatches and messages", async () => {
      const { general } = await threadGuild();
      const { client: bobClient } = await connect(bob);
      const { client: modClient } = await connect(moderator);
      const { client: aliceClient } = await connect(alice);
      const thread = await privateThread(general.id, alice);
      expect(thread.thread_metadata.invitable).toBe(true);
      await aliceClient.dispatch("THREAD_CREATE", (d) => d.id === thread.id && d.newly_created === true);
      await modClient.dispatch("THREAD_CREATE", (d) => d.id === thread.id);
      expectError(await api.get(`/channels/${thread.id}`, bob), 403, 50001);
      expect((await getThread(thread.id, moderator)).id).toBe(thread.id);

      await send(api, alice, thread.id, { content: "between us" });
      await modClient.dispatch("MESSAGE_CREATE", (d) => d.content === "between us" && d.channel_id === thread.id);
      expectError(await api.get(`/channels/${thread.id}/messages`, bob), 403, 50001);
      expectError(await api.post(`/channels/${thread.id}/messages`, bob, { content: "let me in" }), 403, 50001);
      await send(api, owner, general.id, { content: "marker after the private thread" });
      await bobClient.dispatch("MESSAGE_CREATE", (d) => d.content === "marker after the private thread");
      expect(bobClient.dispatches("THREAD_CREATE")).toEqual([]);
      expect(bobClient.dispatches("MESSAGE_CREATE").map((frame) => frame.d.content)).not.toContain("between us");

      // Added, bob gets the thread and his membership, and then its messages.
      expectStatus(await api.put(`/channels/${thread.id}/thread-members/${bob.user.id}`, alice), 204);
      const created = await bobClient.dispatch("THREAD_CREATE", (d) => d.id === thread.id);
      expect(created.d.member).toMatchObject({ id: thread.id, user_id: bob.user.id });
      expect((await bobClient.dispatch("THREAD_MEMBER_UPDATE")).d).toMatchObject({ id: thread.id, user_id: bob.user.id, guild_id: thread.guild_id });
      const update = await aliceClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.id === thread.id);
      expect(update.d).toMatchObject({ member_count: 2, added_members: [{ user_id: bob.user.id }] });
      expect(update.d._).toBeUndefined();
      expect((await getThread(thread.id, bob)).member_count).toBe(2);
      await send(api, alice, thread.id, { content: "welcome bob" });
      await bobClient.dispatch("MESSAGE_CREATE", (d) => d.content === "welcome bob");

      // Removed by the creator, he sees it no more but hears of his removal.
      expectStatus(await api.delete(`/channels/${thread.id}/thread-members/${bob.user.id}`, alice), 204);
      expect((await bobClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.removed_member_ids?.includes(bob.user.id))).d.member_count).toBe(1);
      expectError(await api.get(`/channels/${thread.id}`, bob), 403, 50001);
    });

    test("who may add and remove members: senders add (not to a non-invitable private thread), MANAGE_THREADS or the private creator remove", async () => {
      const { general } = await threadGuild();
      const closed = await privateThread(general.id, alice, { invitable: false });
      expectStatus(await api.put(`/channels/${closed.id}/thread-members/${bob.user.id}`, alice), 403);
      expectError(await api.put(`/channels/${closed.id}/thread-members/${bob.user.id}`, alice), 403, 50013);
      expectStatus(await api.put(`/channels/${closed.id}/thread-members/${bob.user.id}`, moderator), 204);
      expectStatus(await api.put(`/channels/${closed.id}/thread-members/${bob.user.id}`, moderator), 204);
      expectError(await api.put(`/channels/${closed.id}/thread-members/${outsider.user.id}`, moderator), 404, 10007);
      expectError(await api.delete(`/channels/${closed.id}/thread-members/${alice.user.id}`, bob), 403, 50013);
      const open = await publicThread(general.id, alice);
      expectStatus(await api.put(`/channels/${open.id}/thread-members/@me`, bob), 204);
      // The creator of a public thread is no moderator of it.
      expectError(await api.delete(`/channels/${open.id}/thread-members/${bob.user.id}`, alice), 403, 50013);
      expectStatus(await api.delete(`/channels/${open.id}/thread-members/${bob.user.id}`, moderator), 204);
      expectError(await api.get(`/channels/${open.id}/thread-members/${bob.user.id}`, alice), 404, 10007);
      expectError(await api.put(`/channels/${open.id}/thread-members/@me`, outsider), 403, 50001);
      expectError(await api.put(`/channels/${general.id}/thread-members/@me`, alice), 400, 50035);
    });

    test("a member who leaves the guild leaves its threads: rejoining does not give a private thread back", async () => {
      const { guild, general } = await threadGuild();
      const thread = await privateThread(general.id, alice);
      expectStatus(await api.put(`/channels/${thread.id}/thread-members/${bob.user.id}`, alice), 204);
      const { client: aliceClient } = await connect(alice);
      expectStatus(await api.delete(`/guilds/${guild.id}/members/${bob.user.id}`, owner), 204);
      const update = await aliceClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.id === thread.id && d.removed_member_ids?.includes(bob.user.id));
      expect(update.d.member_count).toBe(1);
      await joinAll(api, owner, guild, [bob]);
      expectError(await api.get(`/channels/${thread.id}`, bob), 403, 50001);
      expectError(await api.get(`/channels/${thread.id}/thread-members/${bob.user.id}`, alice), 404, 10007);
    });

    test("join, leave, get and list members", async () => {
      const { general } = await threadGuild();
      const thread = await publicThread(general.id, alice);
      const { client: aliceClient } = await connect(alice);
      expectStatus(await api.put(`/channels/${thread.id}/thread-members/@me`, bob), 204);
      await aliceClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.id === thread.id && d.added_members?.[0]?.user_id === bob.user.id);
      const members = expectStatus(await api.get<ThreadMemberBody[]>(`/channels/${thread.id}/thread-members`, bob), 200);
      expect(members.map((member) => member.user_id).sort()).toEqual([alice.user.id, bob.user.id].sort());
      expect(members[0]).toMatchObject({ id: thread.id, flags: 0 });
      const page = expectStatus(await api.get<ThreadMemberBody[]>(`/channels/${thread.id}/thread-members?limit=1`, bob), 200);
      expect(page).toHaveLength(1);
      const rest = expectStatus(await api.get<ThreadMemberBody[]>(`/channels/${thread.id}/thread-members?after=${page[0]!.user_id}`, bob), 200);
      expect(rest).toHaveLength(1);
      expectError(await api.get(`/channels/${thread.id}/thread-members?limit=101`, bob), 400, 50035);
      expect(expectStatus(await api.get<ThreadMemberBody>(`/channels/${thread.id}/thread-members/${bob.user.id}`, alice), 200).user_id).toBe(bob.user.id);
      expectStatus(await api.delete(`/channels/${thread.id}/thread-members/@me`, bob), 204);
      await aliceClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.id === thread.id && d.removed_member_ids?.[0] === bob.user.id);
      expect((await getThread(thread.id, alice)).member_count).toBe(1);
    });

    test("sending in a thread: SEND_MESSAGES_IN_THREADS, not in a locked one unless MANAGE_THREADS; a send unarchives and joins", async () => {
      const { general } = await threadGuild();
      const thread = await publicThread(general.id, alice);
      const { client: aliceClient } = await connect(alice);
      // SEND_MESSAGES is not what a thread asks for.
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["SEND_MESSAGES"] });
      const sent = await send(api, bob, thread.id, { content: "from bob" });
      expect(sent.channel_id).toBe(thread.id);
      await aliceClient.dispatch("THREAD_MEMBERS_UPDATE", (d) => d.id === thread.id && d.added_members?.[0]?.user_id === bob.user.id);
      expect(await getThread(thread.id, alice)).toMatchObject({ message_count: 1, member_count: 2, last_message_id: sent.id });
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["SEND_MESSAGES_IN_THREADS"] });
      expectError(await api.post(`/channels/${thread.id}/messages`, bob, { content: "denied" }), 403, 50013);

      expectStatus(await api.patch(`/channels/${thread.id}`, alice, { archived: true }), 200);
      await aliceClient.dispatch("THREAD_UPDATE", (d) => d.id === thread.id && d.thread_metadata.archived === true);
      await send(api, alice, thread.id, { content: "wake up" });
      await aliceClient.dispatch("THREAD_UPDATE", (d) => d.id === thread.id && d.thread_metadata.archived === false);
      expect((await getThread(thread.id, alice)).thread_metadata.archived).toBe(false);

      expectError(await api.patch(`/channels/${thread.id}`, alice, { locked: true }), 403, 50013);
      expectStatus(await api.patch(`/channels/${thread.id}`, moderator, { locked: true, archived: true }), 200);
      expectError(await api.post(`/channels/${thread.id}/messages`, alice, { content: "locked out" }), 403, 50013);
      // Unlocking or unarchiving a locked thread is for moderators.
      expectError(await api.patch(`/channels/${thread.id}`, alice, { archived: false }), 403, 50013);
      expectStatus(await api.patch(`/channels/${thread.id}`, moderator, { archived: false }), 200);
      await send(api, moderator, thread.id, { content: "moderators still speak" });
    });

    test("PATCH a thread by Discord's rules; an archived thread takes changes only with unarchiving", async () => {
      const { general } = await threadGuild();
      const thread = await publicThread(general.id, alice);
      const renamed = expectStatus(await api.patch<ThreadBody>(`/channels/${thread.id}`, alice, { name: "Renamed", auto_archive_duration: 4320 }), 200);
      expect(renamed).toMatchObject({ name: "Renamed", thread_metadata: { auto_archive_duration: 4320 } });
      expectError(await api.patch(`/channels/${thread.id}`, bob, { name: "Hijacked" }), 403, 50013);
      expectError(await api.patch(`/channels/${thread.id}`, alice, { rate_limit_per_user: 10 }), 403, 50013);
      expect(expectStatus(await api.patch<ThreadBody>(`/channels/${thread.id}`, moderator, { rate_limit_per_user: 10 }), 200).rate_limit_per_user).toBe(10);
      expectError(await api.patch(`/channels/${thread.id}`, moderator, { invitable: false }), 400, 50035);
      expectError(await api.patch(`/channels/${thread.id}`, alice, { auto_archive_duration: 5 }), 400, 50035);
      const archived = expectStatus(await api.patch<ThreadBody>(`/channels/${thread.id}`, alice, { archived: true }), 200);
      expect(archived.thread_metadata.archived).toBe(true);
      expectError(await api.patch(`/channels/${thread.id}`, alice, { name: "While archived" }), 400, 50083);
      expectError(await api.put(`/channels/${thread.id}/thread-members/@me`, bob), 400, 50083);
      // Anyone who may send in it may unarchive an unlocked thread.
      expect(expectStatus(await api.patch<ThreadBody>(`/channels/${thread.id}`, bob, { archived: false }), 200).thread_metadata.archived).toBe(false);
    });

    test("DELETE a thread needs MANAGE_THREADS; THREAD_DELETE reaches a private thread's members and moderators only", async () => {
      const { general } = await threadGuild();
      const thread = await privateThread(general.id, alice);
      const { client: aliceClient } = await connect(alice);
      const { client: bobClient } = await connect(bob);
      await send(api, alice, thread.id, { content: "soon gone" });
      expectError(await api.delete(`/channels/${thread.id}`, alice), 403, 50013);
      expect(expectStatus(await api.delete<ThreadBody>(`/channels/${thread.id}`, moderator), 200).id).toBe(thread.id);
      const deleted = await aliceClient.dispatch("THREAD_DELETE", (d) => d.id === thread.id);
      expect(deleted.d).toEqual({ id: thread.id, guild_id: thread.guild_id, parent_id: general.id, type: 12 });
      await send(api, owner, general.id, { content: "marker after the delete" });
      await bobClient.dispatch("MESSAGE_CREATE", (d) => d.content === "marker after the delete");
      expect(bobClient.dispatches("THREAD_DELETE")).toEqual([]);
      expectError(await api.get(`/channels/${thread.id}`, alice), 404, 10003);
      // A text channel's threads go with it.
      const channel = expectStatus(await api.post<ChannelBody>(`/guilds/${thread.guild_id}/channels`, owner, { name: "doomed" }), 201);
      const orphan = await publicThread(channel.id, alice);
      expectStatus(await api.delete(`/channels/${channel.id}`, owner), 200);
      expectError(await api.get(`/channels/${orphan.id}`, alice), 404, 10003);
    });

    test("a thread's visibility follows its parent's overwrites, and a change of them takes effect at once", async () => {
      const { general } = await threadGuild();
      const thread = await publicThread(general.id, alice);
      expect((await getThread(thread.id, bob)).id).toBe(thread.id);
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["VIEW_CHANNEL"] });
      expectError(await api.get(`/channels/${thread.id}`, bob), 403, 50001);
      expectError(await api.post(`/channels/${thread.id}/messages`, bob, { content: "hidden" }), 403, 50001);
    });

    test("listing: active threads of the guild, archived public and private threads, and the caller's archived private ones", async () => {
      const { guild, general } = await threadGuild();
      const open = await publicThread(general.id, alice);
      const hidden = await privateThread(general.id, alice);
      const active = expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, bob), 200);
      expect(active.threads.map((thread) => thread.id)).toEqual([open.id]);
      expect(active.members).toEqual([]);
      const mine = expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, alice), 200);
      expect(mine.threads.map((thread) => thread.id).sort()).toEqual([open.id, hidden.id].sort());
      expect(mine.members.map((member) => member.id).sort()).toEqual([open.id, hidden.id].sort());
      expectError(await api.get(`/guilds/${guild.id}/threads/active`, outsider), 403, 50001);

      const olderPublic = await publicThread(general.id, alice, { name: "Older" });
      for (const thread of [olderPublic, open, hidden]) expectStatus(await api.patch(`/channels/${thread.id}`, alice, { archived: true }), 200);
      const first = expectStatus(await api.get<ThreadListBody>(`/channels/${general.id}/threads/archived/public?limit=1`, bob), 200);
      expect(first.threads.map((thread) => thread.id)).toEqual([open.id]);
      expect(first.has_more).toBe(true);
      const before = first.threads[0]!.thread_metadata.archive_timestamp;
      const second = expectStatus(await api.get<ThreadListBody>(`/channels/${general.id}/threads/archived/public?before=${encodeURIComponent(before)}`, bob), 200);
      expect(second.threads.map((thread) => thread.id)).toEqual([olderPublic.id]);
      expect(second.has_more).toBe(false);
      expectError(await api.get(`/channels/${general.id}/threads/archived/private`, alice), 403, 50013);
      const archivedPrivate = expectStatus(await api.get<ThreadListBody>(`/channels/${general.id}/threads/archived/private`, moderator), 200);
      expect(archivedPrivate.threads.map((thread) => thread.id)).toEqual([hidden.id]);
      const joined = expectStatus(await api.get<ThreadListBody>(`/channels/${general.id}/users/@me/threads/archived/private`, alice), 200);
      expect(joined.threads.map((thread) => thread.id)).toEqual([hidden.id]);
      expect(expectStatus(await api.get<ThreadListBody>(`/channels/${general.id}/users/@me/threads/archived/private`, bob), 200).threads).toEqual([]);
      expectError(await api.get(`/channels/${general.id}/threads/archived/public?before=yesterday`, bob), 400, 50035);
      expect(expectStatus(await api.get<ThreadListBody>(`/guilds/${guild.id}/threads/active`, alice), 200).threads).toEqual([]);
    });

    test("a member who gains access to a channel gets THREAD_LIST_SYNC with its active threads they may see", async () => {
      const { general } = await threadGuild();
      const open = await publicThread(general.id, alice);
      const hidden = await privateThread(general.id, alice);
      await overwriteMember(api, owner, general.id, bob.user.id, { deny: ["VIEW_CHANNEL"] });
      const { client: bobClient } = await connect(bob);
      expectError(await api.get(`/channels/${open.id}`, bob), 403, 50001);
      expectStatus(await api.delete(`/channels/${general.id}/permissions/${bob.user.id}`, owner), 204);
      const sync = await bobClient.dispatch("THREAD_LIST_SYNC", (d) => d.channel_ids?.[0] === general.id);
      expect(sync.d).toMatchObject({ guild_id: general.guild_id, channel_ids: [general.id], members: [] });
      expect(sync.d.threads.map((thread: ThreadBody) => thread.id)).toEqual([open.id]);
      expect(sync.d.threads.map((thread: ThreadBody) => thread.id)).not.toContain(hidden.id);
      // It comes with the CHANNEL_UPDATE that gave the access.
      await bobClient.dispatch("CHANNEL_UPDATE", (d) => d.id === general.id);
    });

    test("READY's guilds carry the active threads the user can see", async () => {
      const { guild, general } = await threadGuild();
      const open = await publicThread(general.id, alice);
      const hidden = await privateThread(general.id, alice);
      const threadsIn = (ready: { guilds: unknown[] }) =>
        ((ready.guilds as Array<{ id: string; threads: Array<{ id: string; member?: { user_id: string } }> }>).find((entry) => entry.id === guild.id)?.threads ?? []);
      const { ready: bobReady } = await connect(bob);
      expect(threadsIn(bobReady).map((thread) => thread.id)).toEqual([open.id]);
      const { ready: aliceReady } = await connect(alice);
      const aliceThreads = threadsIn(aliceReady);
      expect(aliceThreads.map((thread) => thread.id).sort()).toEqual([open.id, hidden.id].sort());
      expect(aliceThreads.every((thread) => thread.member?.user_id === alice.user.id)).toBe(true);
    });

    test("bad input is a 400, never a 500", async () => {
      const { general } = await threadGuild();
      const thread = await publicThread(general.id, alice);
      expectError(await startThread(general.id, alice, { name: "" }), 400, 50035);
      expectError(await startThread(general.id, alice, { name: "x".repeat(101) }), 400, 50035);
      expectError(await startThread(general.id, alice, { name: "x", rate_limit_per_user: 21601 }), 400, 50035);
      expectError(await startThread(general.id, alice, { name: "x", unknown: true }), 400, 50035);
      expectError(await api.get(`/channels/${thread.id}/thread-members/99999999999999999999`, alice), 400, 50035);
      expectError(await api.get(`/channels/${general.id}/threads/archived/public?limit=0`, alice), 400, 50035);
    });
  });
}

const MINUTE = 60_000;

/** `user` with a token issued now by the node's clock (tests that move the clock outlive the first one). */
const freshToken = async (server: TestServer, user: TestUser): Promise<TestUser> => ({ ...user, ...(await logIn(server, user.user.username, user.password)) });

for (const mode of MODES) {
  describe(`threads auto-archive (${mode.name})`, () => {
    const clock = createManualClock(Date.now());
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, alice: TestUser;
    const clients: GatewayClient[] = [];
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode), { clock });
      api = apiClient(server);
      [owner, alice] = await registerUsers(server, 2);
    });
    afterAll(async () => {
      for (const client of clients) client.close();
      await server.stop();
    });

    test("a thread idle for its auto_archive_duration is archived by the worker (THREAD_UPDATE); a message puts it off", async () => {
      const { general } = await guildWith(api, owner, { members: [alice] });
      const start = async (name: string, minutes: number) =>
        expectStatus(await api.post<ThreadBody>(`/channels/${general.id}/threads`, alice, { name, type: 11, auto_archive_duration: minutes }), 201);
      const quiet = await start("Quiet", 60);
      const chatty = await start("Chatty", 60);
      const daily = await start("Daily", 1440);
      clock.advance(50 * MINUTE);
      alice = await freshToken(server, alice);
      await send(api, alice, chatty.id, { content: "still here" });
      clock.advance(11 * MINUTE);
      const { client } = await identify(server.url, alice.access_token);
      clients.push(client);
      // The database may hold other suites' threads: the count is at least ours, the states below are exact.
      expect(await server.app.channel.useCases.archiveIdleThreads()).toBeGreaterThanOrEqual(1);
      const update = await client.dispatch("THREAD_UPDATE", (d) => d.id === quiet.id);
      expect(update.d.thread_metadata).toMatchObject({ archived: true, archive_timestamp: new Date(clock.now()).toISOString() });
      const archived = async (id: string) => (await getAs(api, alice, id)).thread_metadata.archived;
      expect([await archived(quiet.id), await archived(chatty.id), await archived(daily.id)]).toEqual([true, false, false]);
      // Nothing is archived twice.
      expect(await server.app.channel.useCases.archiveIdleThreads()).toBe(0);
      clock.advance(60 * MINUTE);
      alice = await freshToken(server, alice);
      expect(await server.app.channel.useCases.archiveIdleThreads()).toBeGreaterThanOrEqual(1);
      expect([await archived(quiet.id), await archived(chatty.id), await archived(daily.id)]).toEqual([true, true, false]);
    });
  });
}

const getAs = async (api: ApiClient, as: TestUser, id: string) => expectStatus(await api.get<ThreadBody>(`/channels/${id}`, as), 200);

describe("threads auto-archive on two worker nodes (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  const clocks = [createManualClock(Date.now()), createManualClock(Date.now())];
  let nodes: TestServer[];
  const clients: GatewayClient[] = [];
  beforeAll(async () => {
    // Distinct node ids: two nodes minting ids at the same clock time must not mint the same ones.
    nodes = await Promise.all(clocks.map((clock, index) => startServer(mode, identityEnv(mode, { NODE_ID: String(700 + index) }), { clock })));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(nodes.map((node) => node.stop()));
  });

  test("both nodes running the job at once archive each idle thread once, with one THREAD_UPDATE each", async () => {
    const [a, b] = nodes as [TestServer, TestServer];
    const api = apiClient(a);
    let [owner, member] = await registerUsers(a, 2);
    const { general } = await guildWith(api, owner, { members: [member] });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(expectStatus(await api.post<ThreadBody>(`/channels/${general.id}/threads`, owner, { name: `idle ${i}`, type: 11, auto_archive_duration: 60 }), 201).id);
    }
    for (const clock of clocks) clock.advance(61 * MINUTE);
    owner = await freshToken(a, owner);
    member = await freshToken(a, member);
    const { client } = await identify(a.url, member.access_token);
    clients.push(client);
    const counts = await Promise.all([a, b].map((node) => node.app.channel.useCases.archiveIdleThreads()));
    expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(ids.length);
    for (const id of ids) await client.dispatch("THREAD_UPDATE", (d) => d.id === id && d.thread_metadata.archived === true);
    await send(api, owner, general.id, { content: "marker after the archive" });
    await client.dispatch("MESSAGE_CREATE", (d) => d.content === "marker after the archive");
    // Exactly one THREAD_UPDATE per thread, whichever node archived it.
    const updated = client.dispatches("THREAD_UPDATE").map((frame) => frame.d.id as string);
    expect(updated.sort()).toEqual([...ids].sort());
  });
});
