import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type ChannelBody, type Reply, expectError, expectStatus, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, createTextChannel, history, overwriteMember } from "../support/message";
import { MODES, type TestServer } from "../support/server";

type ThreadBody = ChannelBody & { member_count: number; thread_metadata: { archived: boolean; locked: boolean } };
type WebhookMessage = MessageBody & { webhook_id?: string };

for (const mode of MODES) {
  describe(`webhooks posting to threads (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, alice: TestUser, bob: TestUser;
    let general: string;
    let other: string;
    let hook: { id: string; token: string };
    let aliceSession: GatewayClient, bobSession: GatewayClient;

    /** An anonymous call with the webhook's token, as a CI job makes it. */
    const tokenCall = async <T = WebhookMessage>(method: string, path: string, body?: unknown): Promise<Reply<T>> => {
      const response = await fetch(`${server.url}/api/v1/webhooks/${hook.id}/${hook.token}${path}`, {
        method,
        ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
    };
    const execute = (threadId: string | undefined, body: unknown) => tokenCall("POST", `?wait=true${threadId ? `&thread_id=${threadId}` : ""}`, body);
    const thread = async (channelId: string, as: TestUser, type: 11 | 12, name = "talk") =>
      expectStatus(await api.post<ThreadBody>(`/channels/${channelId}/threads`, as, { name, type }), 201);

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob] } = await startGuildServer(mode, 3));
      const made = await guildWith(api, owner, { name: "Hook threads", members: [alice, bob] });
      general = made.general.id;
      other = (await createTextChannel(api, owner, made.guild.id, "other")).id;
      hook = expectStatus(await api.post<{ id: string; token: string }>(`/channels/${general}/webhooks`, owner, { name: "CI" }), 201);
      const [aliceIdentified, bobIdentified] = await Promise.all([identify(server.url, alice.access_token), identify(server.url, bob.access_token)]);
      aliceSession = aliceIdentified.client;
      bobSession = bobIdentified.client;
    });
    afterAll(async () => {
      aliceSession.close();
      bobSession.close();
      await server.stop();
    });

    test("thread_id posts into that thread of the webhook's channel, as the webhook, without joining it", async () => {
      const open = await thread(general, alice, 11);
      const sent = expectStatus(await execute(open.id, { content: "build passed", username: "Build Bot" }), 200);
      expect(sent).toMatchObject({ channel_id: open.id, webhook_id: hook.id, content: "build passed", author: { id: hook.id, username: "Build Bot" } });
      expect((await history(api, bob, open.id)).map((message) => message.id)).toContain(sent.id);
      expect((await history(api, bob, general)).map((message) => message.id)).not.toContain(sent.id);
      await bobSession.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id && d.channel_id === open.id);
      // The webhook is no member: the thread still has its creator only.
      expect(expectStatus(await api.get<ThreadBody>(`/channels/${open.id}`, alice), 200).member_count).toBe(1);
    });

    test("a private thread's MESSAGE_CREATE reaches its members only", async () => {
      const secret = await thread(general, alice, 12, "secret");
      const sent = expectStatus(await execute(secret.id, { content: "for members" }), 200);
      await aliceSession.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id);
      // A later message to the parent, which bob sees: once it is there, the private one would have been too.
      const marker = expectStatus(await execute(undefined, { content: "marker" }), 200);
      await bobSession.dispatch("MESSAGE_CREATE", (d) => d.id === marker.id);
      expect(bobSession.dispatches("MESSAGE_CREATE").some((frame) => frame.d.id === sent.id)).toBe(false);
      expectError(await api.get(`/channels/${secret.id}/messages`, bob), 403, 50001);
    });

    test("an archived thread is unarchived by the post; a locked one refuses it (400 160005)", async () => {
      const idle = await thread(general, alice, 11, "idle");
      expectStatus(await api.patch(`/channels/${idle.id}`, owner, { archived: true }), 200);
      const sent = expectStatus(await execute(idle.id, { content: "wake up" }), 200);
      expect(sent.channel_id).toBe(idle.id);
      await bobSession.dispatch("THREAD_UPDATE", (d) => d.id === idle.id && d.thread_metadata.archived === false);
      expect(expectStatus(await api.get<ThreadBody>(`/channels/${idle.id}`, alice), 200).thread_metadata.archived).toBe(false);
      const locked = await thread(general, alice, 11, "locked");
      expectStatus(await api.patch(`/channels/${locked.id}`, owner, { locked: true, archived: true }), 200);
      expectError(await execute(locked.id, { content: "let me in" }), 400, 160005);
      expect(await history(api, owner, locked.id)).toHaveLength(0);
    });

    test("thread_id must name a thread of the webhook's channel (404 10003); thread_name is for forum webhooks only (400 220003)", async () => {
      const elsewhere = await thread(other, alice, 11, "elsewhere");
      expectError(await execute(elsewhere.id, { content: "wrong channel" }), 404, 10003);
      expectError(await execute(other, { content: "not a thread" }), 404, 10003);
      expectError(await execute(general, { content: "the channel itself" }), 404, 10003);
      expectError(await execute("1234567890123", { content: "nothing" }), 404, 10003);
      expect(await history(api, owner, elsewhere.id)).toHaveLength(0);
      expectError(await execute(undefined, { content: "post", thread_name: "New post" }), 400, 220003);
      expectError(await execute(undefined, { content: "post", applied_tags: ["1234567890123"] }), 400, 50035);
    });

    describe("a forum's webhook", () => {
      type ForumBody = ChannelBody & { available_tags: Array<{ id: string; name: string }> };
      type PostBody = ThreadBody & { parent_id: string; owner_id: string; applied_tags: string[]; last_message_id: string | null };
      let forum: ForumBody;
      let forumHook: { id: string; token: string };
      const tag = (name: string) => forum.available_tags.find((entry) => entry.name === name)!.id;
      /** An execute with the forum webhook's token. */
      const executeInForum = async <T = WebhookMessage>(body: unknown, query = "?wait=true"): Promise<Reply<T>> => {
        const response = await fetch(`${server.url}/api/v1/webhooks/${forumHook.id}/${forumHook.token}${query}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        const text = await response.text();
        return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
      };
      const activePosts = async () =>
        expectStatus(await api.get<{ threads: PostBody[] }>(`/guilds/${forum.guild_id}/threads/active`, owner), 200).threads.filter((entry) => entry.parent_id === forum.id);

      beforeAll(async () => {
        forum = expectStatus(
          await api.post<ForumBody>(`/guilds/${(await api.get<ChannelBody>(`/channels/${general}`, owner)).body.guild_id}/channels`, owner, {
            type: 15,
            name: "builds",
            available_tags: [{ name: "failed" }, { name: "triaged", moderated: true }],
          }),
          201,
        );
        forumHook = expectStatus(await api.post<{ id: string; token: string }>(`/channels/${forum.id}/webhooks`, owner, { name: "CI" }), 201);
      });

      test("thread_name starts a post whose first message is the webhook's, as a member's post: THREAD_CREATE, MESSAGE_CREATE, tags, history", async () => {
        const sent = expectStatus(await executeInForum({ content: "build #7 failed", username: "Build Bot", thread_name: "Build #7", applied_tags: [tag("failed")] }), 200);
        expect(sent).toMatchObject({ id: sent.channel_id, webhook_id: forumHook.id, content: "build #7 failed", author: { id: forumHook.id, username: "Build Bot" } });
        const created = await bobSession.dispatch("THREAD_CREATE", (d) => d.id === sent.channel_id);
        expect(created.d).toMatchObject({ type: 11, parent_id: forum.id, name: "Build #7", owner_id: forumHook.id, applied_tags: [tag("failed")], member_count: 0 });
        await bobSession.dispatch("MESSAGE_CREATE", (d) => d.id === sent.id && d.channel_id === sent.channel_id && d.webhook_id === forumHook.id);
        const postRead = expectStatus(await api.get<PostBody>(`/channels/${sent.channel_id}`, bob), 200);
        expect(postRead).toMatchObject({ parent_id: forum.id, name: "Build #7", owner_id: forumHook.id, applied_tags: [tag("failed")], last_message_id: sent.id, member_count: 0 });
        expect((await history(api, bob, sent.channel_id)).map((message) => message.id)).toEqual([sent.id]);
        // Without ?wait the post is made all the same (204).
        expect((await executeInForum({ content: "quiet post", thread_name: "Build #8" }, "")).status).toBe(204);
        expect((await activePosts()).map((entry) => entry.name)).toContain("Build #8");
        // thread_id posts into an existing post, as in any thread of the webhook's channel.
        const reply = expectStatus(await executeInForum({ content: "fixed" }, `?wait=true&thread_id=${sent.channel_id}`), 200);
        expect(reply.channel_id).toBe(sent.channel_id);
      });

      test("refuses what Discord refuses, and a refused post leaves no thread", async () => {
        const before = (await activePosts()).length;
        expectError(await executeInForum({ content: "where to?" }), 400, 220001);
        const post = expectStatus(await executeInForum({ content: "a post", thread_name: "Existing" }), 200);
        expectError(await executeInForum({ content: "both", thread_name: "Other" }, `?wait=true&thread_id=${post.channel_id}`), 400, 220002);
        expectError(await executeInForum({ content: "tags on a reply", applied_tags: [tag("failed")] }, `?wait=true&thread_id=${post.channel_id}`), 400, 50035);
        // A moderated tag takes MANAGE_THREADS, which a webhook never holds; a tag of no forum is refused.
        expectError(await executeInForum({ content: "triaged", thread_name: "Moderated", applied_tags: [tag("triaged")] }), 403, 50013);
        expectError(await executeInForum({ content: "unknown tag", thread_name: "Unknown", applied_tags: ["1234567890123"] }), 400, 50035);
        expectError(await executeInForum({ content: "   ", thread_name: "Empty" }), 400, 50035);
        expectError(await executeInForum({ content: "no name", thread_name: "" }), 400, 50035);
        expect((await activePosts()).length).toBe(before + 1);
      });

      test("a member who cannot see the forum hears nothing of a webhook's post", async () => {
        await overwriteMember(api, owner, forum.id, alice.user.id, { deny: ["VIEW_CHANNEL"] });
        const sent = expectStatus(await executeInForum({ content: "hidden post", thread_name: "Hidden" }), 200);
        await bobSession.dispatch("THREAD_CREATE", (d) => d.id === sent.channel_id);
        const marker = expectStatus(await execute(undefined, { content: "marker after the hidden post" }), 200);
        await aliceSession.dispatch("MESSAGE_CREATE", (d) => d.id === marker.id);
        expect(aliceSession.dispatches("THREAD_CREATE").some((frame) => frame.d.id === sent.channel_id)).toBe(false);
        expect(aliceSession.dispatches("MESSAGE_CREATE").some((frame) => frame.d.id === sent.id)).toBe(false);
      });
    });

    test("GET, PATCH and DELETE of a message in a thread take its thread_id", async () => {
      const open = await thread(general, alice, 11, "edits");
      const sent = expectStatus(await execute(open.id, { content: "v1" }), 200);
      expectError(await tokenCall("GET", `/messages/${sent.id}`), 404, 10008);
      expect(expectStatus(await tokenCall("GET", `/messages/${sent.id}?thread_id=${open.id}`), 200).content).toBe("v1");
      expectError(await tokenCall("PATCH", `/messages/${sent.id}`, { content: "v2" }), 404, 10008);
      const edited = expectStatus(await tokenCall("PATCH", `/messages/${sent.id}?thread_id=${open.id}`, { content: "v2" }), 200);
      expect(edited).toMatchObject({ id: sent.id, channel_id: open.id, content: "v2" });
      await bobSession.dispatch("MESSAGE_UPDATE", (d) => d.id === sent.id && d.channel_id === open.id);
      const elsewhere = await thread(other, alice, 11, "not here");
      expectError(await tokenCall("DELETE", `/messages/${sent.id}?thread_id=${elsewhere.id}`), 404, 10003);
      expect((await tokenCall("DELETE", `/messages/${sent.id}?thread_id=${open.id}`)).status).toBe(204);
      await bobSession.dispatch("MESSAGE_DELETE", (d) => d.id === sent.id && d.channel_id === open.id);
      expectError(await tokenCall("GET", `/messages/${sent.id}?thread_id=${open.id}`), 404, 10008);
    });
  });
}
