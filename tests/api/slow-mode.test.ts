import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type ChannelBody, apiClient, bits, expectError, expectStatus, guildWith, registerUsers, startGuildServer } from "../support/guild";
import { type TestUser, asBot, createBot, identityEnv } from "../support/identity";
import { MODES, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

interface SlowModeRefusal {
  code: number;
  message: string;
  retry_after: number;
  global: boolean;
}

for (const mode of MODES) {
  describe(`slow mode (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, moderator: TestUser, threadMod: TestUser, alice: TestUser, bob: TestUser;
    let guildId: string;

    beforeAll(async () => {
      ({ server, api, users: [owner, moderator, threadMod, alice, bob] } = await startGuildServer(mode, 5));
      const { guild } = await guildWith(api, owner, {
        members: [moderator, threadMod, alice, bob],
        roles: {
          mods: { name: "Mods", permissions: ["MANAGE_MESSAGES"], holders: [moderator] },
          threads: { name: "Thread mods", permissions: ["MANAGE_THREADS"], holders: [threadMod] },
        },
      });
      guildId = guild.id;
    });
    afterAll(() => server.stop());

    const slowChannel = async (seconds: number, name = "slow") =>
      expectStatus(await api.post<ChannelBody>(`/guilds/${guildId}/channels`, owner, { name, rate_limit_per_user: seconds }), 201);
    const post = (as: TestUser, channelId: string, content: unknown = "hello") =>
      server.request(`/api/v1/channels/${channelId}/messages`, { method: "POST", token: as.access_token, json: { content } });

    test("text channels take rate_limit_per_user on create and PATCH with MANAGE_CHANNELS, 0–21600, and show it", async () => {
      const channel = await slowChannel(30, "settings");
      expect(channel.rate_limit_per_user).toBe(30);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${channel.id}`, alice), 200).rate_limit_per_user).toBe(30);
      expect(expectStatus(await api.patch<ChannelBody>(`/channels/${channel.id}`, owner, { rate_limit_per_user: 120 }), 200).rate_limit_per_user).toBe(120);
      expectError(await api.patch(`/channels/${channel.id}`, alice, { rate_limit_per_user: 0 }), 403, 50013);
      expectError(await api.patch(`/channels/${channel.id}`, moderator, { rate_limit_per_user: 0 }), 403, 50013);
      expectError(await api.patch(`/channels/${channel.id}`, owner, { rate_limit_per_user: 21_601 }), 400, 50035);
      expectError(await api.patch(`/channels/${channel.id}`, owner, { rate_limit_per_user: -1 }), 400, 50035);
      expectError(await api.post(`/guilds/${guildId}/channels`, owner, { name: "Loud", type: 2, rate_limit_per_user: 10 }), 400, 50035);
      expectError(await api.post(`/guilds/${guildId}/channels`, alice, { name: "mine", rate_limit_per_user: 10 }), 403, 50013);
      // A plain text channel shows 0, as Discord's do.
      expect(expectStatus(await api.post<ChannelBody>(`/guilds/${guildId}/channels`, owner, { name: "fast" }), 201).rate_limit_per_user).toBe(0);
    });

    test("a member sends once per window: the next send is 429 20016 with retry_after and Retry-After; others and moderators are not held", async () => {
      const channel = await slowChannel(60);
      expect((await post(alice, channel.id, "first")).status).toBe(201);
      const refused = await post(alice, channel.id, "second");
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as SlowModeRefusal;
      expect(body).toMatchObject({ code: 20016, message: "This action cannot be performed due to slowmode rate limit.", global: false });
      expect(body.retry_after).toBeGreaterThan(50);
      expect(body.retry_after).toBeLessThanOrEqual(60);
      expect(Number(refused.headers.get("retry-after"))).toBe(Math.ceil(body.retry_after));
      // Bob has his own window; MANAGE_MESSAGES and the owner (every permission) are exempt; MANAGE_THREADS is not, outside threads.
      expect((await post(bob, channel.id, "bob")).status).toBe(201);
      for (let i = 0; i < 3; i++) {
        expect((await post(moderator, channel.id, `mod ${i}`)).status).toBe(201);
        expect((await post(owner, channel.id, `owner ${i}`)).status).toBe(201);
      }
      expect((await post(threadMod, channel.id, "one")).status).toBe(201);
      expect((await post(threadMod, channel.id, "two")).status).toBe(429);
      // Alice's refused send wrote nothing.
      const messages = expectStatus(await api.get<Array<{ content: string }>>(`/channels/${channel.id}/messages`, owner), 200);
      expect(messages.map((message) => message.content)).not.toContain("second");
    });

    test("a refused or invalid send does not use the window up; lowering slow mode to 0 lifts it at once", async () => {
      const channel = await slowChannel(3600, "invalid-first");
      expectError(await api.post(`/channels/${channel.id}/messages`, alice, { content: "" }), 400, 50035);
      expect((await post(alice, channel.id, "valid")).status).toBe(201);
      expect((await post(alice, channel.id, "again")).status).toBe(429);
      expectStatus(await api.patch(`/channels/${channel.id}`, owner, { rate_limit_per_user: 0 }), 200);
      expect((await post(alice, channel.id, "free")).status).toBe(201);
      expect((await post(alice, channel.id, "free again")).status).toBe(201);
    });

    test("the window ends: after rate_limit_per_user seconds the member may send again", async () => {
      const channel = await slowChannel(1, "one-second");
      expect((await post(alice, channel.id, "tick")).status).toBe(201);
      expect((await post(alice, channel.id, "too soon")).status).toBe(429);
      // Polled, not slept: the send succeeds once the one-second window has passed.
      await waitFor(async () => (await post(alice, channel.id, "tock")).status === 201, { what: "the window to end" });
    });

    test("threads: their own slow mode (MANAGE_THREADS exempt there), and starting threads is held by the parent's, apart from sending", async () => {
      const channel = await slowChannel(60, "thread-parent");
      const thread = expectStatus(await api.post<ChannelBody>(`/channels/${channel.id}/threads`, alice, { name: "talk", type: 11 }), 201);
      // One thread per window in the parent; a message there is a window of its own.
      expectError(await api.post(`/channels/${channel.id}/threads`, alice, { name: "another", type: 11 }), 429, 20016);
      expect((await post(alice, channel.id, "in parent")).status).toBe(201);
      expectStatus(await api.post(`/channels/${channel.id}/threads`, moderator, { name: "mod one", type: 11 }), 201);
      expectStatus(await api.post(`/channels/${channel.id}/threads`, moderator, { name: "mod two", type: 11 }), 201);
      // The thread has no slow mode until MANAGE_THREADS sets one.
      for (let i = 0; i < 2; i++) expect((await post(bob, thread.id, `bob ${i}`)).status).toBe(201);
      expectError(await api.patch(`/channels/${thread.id}`, bob, { rate_limit_per_user: 30 }), 403, 50013);
      expect(expectStatus(await api.patch<ChannelBody>(`/channels/${thread.id}`, threadMod, { rate_limit_per_user: 30 }), 200).rate_limit_per_user).toBe(30);
      expect((await post(bob, thread.id, "held")).status).toBe(201);
      expectError(await api.post(`/channels/${thread.id}/messages`, bob, { content: "too soon" }), 429, 20016);
      for (let i = 0; i < 2; i++) expect((await post(threadMod, thread.id, `thread mod ${i}`)).status).toBe(201);
    });

    test("webhook executions and bots are not held by slow mode", async () => {
      const channel = await slowChannel(60, "automation");
      const hook = expectStatus(await api.post<{ id: string; token: string }>(`/channels/${channel.id}/webhooks`, owner, { name: "CI" }), 201);
      for (let i = 0; i < 3; i++) {
        const executed = await fetch(`${server.url}/api/v1/webhooks/${hook.id}/${hook.token}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ content: `build ${i}` }),
        });
        expect(executed.status).toBe(204);
      }
      const bot = await createBot(server, owner);
      expectStatus(
        await api.post(`/oauth2/authorize?client_id=${bot.application.id}&scope=bot`, owner, { guild_id: guildId, permissions: bits("VIEW_CHANNEL", "SEND_MESSAGES"), authorize: true }),
        200,
      );
      for (let i = 0; i < 3; i++) expect((await asBot(server, bot.token, "POST", `/channels/${channel.id}/messages`, { content: `bot ${i}` })).status).toBe(201);
    });
  });
}

describe("slow mode across nodes (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let first: TestServer, second: TestServer;

  beforeAll(async () => {
    first = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    second = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  test("a member who sent through one node is refused by the other within the window", async () => {
    const api = apiClient(first);
    const [owner, alice] = await registerUsers(first, 2);
    const { guild } = await guildWith(api, owner, { members: [alice] });
    const channel = expectStatus(await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "shared", rate_limit_per_user: 60 }), 201);
    const sendThrough = (server: TestServer, content: string) =>
      server.request(`/api/v1/channels/${channel.id}/messages`, { method: "POST", token: alice.access_token, json: { content } });
    expect((await sendThrough(first, "via node 1")).status).toBe(201);
    const refused = await sendThrough(second, "via node 2");
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as SlowModeRefusal).code).toBe(20016);
  });
});
