import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type ChannelBody, type Reply, expectError, expectStatus, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { type MessageBody, createTextChannel, history } from "../support/message";
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

    test("thread_id must name a thread of the webhook's channel (404 10003); thread_name is refused (no forums)", async () => {
      const elsewhere = await thread(other, alice, 11, "elsewhere");
      expectError(await execute(elsewhere.id, { content: "wrong channel" }), 404, 10003);
      expectError(await execute(other, { content: "not a thread" }), 404, 10003);
      expectError(await execute(general, { content: "the channel itself" }), 404, 10003);
      expectError(await execute("1234567890123", { content: "nothing" }), 404, 10003);
      expect(await history(api, owner, elsewhere.id)).toHaveLength(0);
      expectError(await execute(undefined, { content: "post", thread_name: "New post" }), 400, 50035);
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
