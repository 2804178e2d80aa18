import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestUser, identityEnv } from "../support/identity";
import { type ApiClient, apiClient, createGuild, expectStatus, generalOf, registerUsers } from "../support/guild";
import { createTextChannel, send } from "../support/message";
import { MODES, type TestServer, startServer } from "../support/server";

for (const mode of MODES) {
  describe(`message rate limits at RATE_LIMIT_SCALE=1 (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let user: TestUser;
    let guildId: string;
    let general: string;

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { RATE_LIMIT_SCALE: "1" }));
      api = apiClient(server);
      [user] = (await registerUsers(server, 1)) as [TestUser];
      const guild = await createGuild(api, user, "Limits");
      guildId = guild.id;
      general = generalOf(guild).id;
    });
    afterAll(() => server.stop());

    const post = (path: string, body?: unknown) => server.request(`/api/v1${path}`, { method: "POST", token: user.access_token, json: body });

    test("sending: 5 per 5 s per user and channel, then 429 with Retry-After; another channel has its own bucket", async () => {
      for (let i = 0; i < 5; i++) {
        const response = await post(`/channels/${general}/messages`, { content: `burst ${i}` });
        expect(response.status).toBe(201);
        expect(response.headers.get("x-ratelimit-bucket")).toBe("messages.send");
        expect(response.headers.get("x-ratelimit-remaining")).toBe(String(4 - i));
      }
      const limited = await post(`/channels/${general}/messages`, { content: "one too many" });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Discord's headers: the bucket's own (per-user) scope, not global; when it is full again, in Unix seconds.
      expect(limited.headers.get("x-ratelimit-scope")).toBe("user");
      expect(limited.headers.get("x-ratelimit-global")).toBeNull();
      const resetAt = Number(limited.headers.get("x-ratelimit-reset")) * 1000;
      expect(Math.abs(resetAt - (Date.now() + Number(limited.headers.get("x-ratelimit-reset-after")) * 1000))).toBeLessThan(2_000);
      expect(await limited.json()).toMatchObject({ code: 0, message: "You are being rate limited.", retry_after: expect.any(Number), global: false });
      const other = (await createTextChannel(api, user, guildId, "other")).id;
      expect((await post(`/channels/${other}/messages`, { content: "elsewhere" })).status).toBe(201);
    });

    test("typing: 10 per 10 s per channel", async () => {
      const channel = (await createTextChannel(api, user, guildId, "typing")).id;
      for (let i = 0; i < 10; i++) expect((await post(`/channels/${channel}/typing`)).status).toBe(204);
      expect((await post(`/channels/${channel}/typing`)).status).toBe(429);
    });

    test("reactions: 10 changes per 5 s", async () => {
      const channel = (await createTextChannel(api, user, guildId, "reactions")).id;
      const message = await send(api, user, channel, "react");
      const emojis = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰"];
      const react = (emoji: string) => api.put(`/channels/${channel}/messages/${message.id}/reactions/${encodeURIComponent(emoji)}/@me`, user);
      for (const emoji of emojis.slice(0, 10)) expectStatus(await react(emoji), 204);
      // The bucket refills one change per 0.5 s: five more at once meet a refusal even if the ten above took a
      // loaded machine two seconds.
      const more = await Promise.all(emojis.slice(10).map(react));
      expect(more.map((reply) => reply.status)).toContain(429);
    });
  });
}
