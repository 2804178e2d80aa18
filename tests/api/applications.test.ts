import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { apiClient, expectError, expectStatus } from "../support/guild";
import { connectGateway } from "../support/gateway";
import { type TestUser, asBot, createBot, identityEnv, registerUser } from "../support/identity";
import { MODES, type TestServer, modeNamed, startServer } from "../support/server";

interface ApplicationBody {
  id: string;
  name: string;
  description: string;
  icon: null;
  flags: number;
  owner: { id: string };
  bot?: { id: string; bot: boolean };
  bot_public: boolean;
  bot_require_code_grant: boolean;
  rpc_origins: string[];
  verify_key: string;
}

/** Connects and identifies as a bot, with the intents Discord requires of bots (GUILDS | GUILD_MESSAGES). */
const identify = async (url: string, token: string) => {
  const client = await connectGateway(url);
  await client.next((frame) => frame.op === 10, "HELLO");
  client.send({ op: 2, d: { token, intents: 513, properties: { os: "linux", browser: "xcord-tests", device: "xcord-tests" } } });
  const ready = await client.dispatch("READY");
  return { client, ready: ready.d as { user: { id: string; bot: boolean } } };
};

const GUILD_MEMBERS = 1 << 14;
const MESSAGE_CONTENT = 1 << 18;

for (const mode of MODES) {
  describe(`applications and bot tokens (${mode.name})`, () => {
    let server: TestServer;
    let api: ReturnType<typeof apiClient>;
    let owner: TestUser;
    let stranger: TestUser;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      api = apiClient(server);
      [owner, stranger] = await Promise.all([registerUser(server), registerUser(server)]);
    });
    afterAll(() => server.stop());

    test("an application is Discord's object, its owner's only, and gets a bot user with a token shown once", async () => {
      const app = expectStatus(await api.post<ApplicationBody>("/applications", owner, { name: "Weather Bot", description: "Forecasts" }), 201);
      expect(app).toMatchObject({ name: "Weather Bot", description: "Forecasts", icon: null, flags: 0, owner: { id: owner.user.id }, bot_public: true, bot_require_code_grant: false, rpc_origins: [] });
      expect(app.verify_key).toMatch(/^[0-9a-f]{64}$/);
      expect(app.bot).toBeUndefined();
      expect(expectStatus(await api.get<ApplicationBody[]>("/applications", owner), 200).map((a) => a.id)).toContain(app.id);

      expectError(await api.get(`/applications/${app.id}`, stranger), 404, 10002);
      expectError(await api.patch(`/applications/${app.id}`, stranger, { name: "Mine" }), 404, 10002);
      expectError(await api.post(`/applications/${app.id}/bot`, stranger), 404, 10002);
      expectError(await api.post(`/applications/${app.id}/bot/reset`, owner), 400, 50035);
      expectError(await api.post("/applications", owner, { name: "x" }), 400, 50035);

      const bot = expectStatus(await api.post<{ token: string; user: { id: string; bot: boolean; username: string } }>(`/applications/${app.id}/bot`, owner), 201);
      expect(bot.user).toMatchObject({ bot: true, username: "weather_bot" });
      expect(Buffer.from(bot.token.split(".")[0]!, "base64").toString()).toBe(bot.user.id);
      expectError(await api.post(`/applications/${app.id}/bot`, owner), 409, 40002);
      expect(expectStatus(await api.get<ApplicationBody>(`/applications/${app.id}`, owner), 200).bot).toMatchObject({ id: bot.user.id, bot: true });

      // A second application named alike gets a bot whose username is kept unique.
      const twin = await createBot(server, owner, "Weather Bot");
      expect(twin.user.username).toMatch(/^weather_bot_\d{4}$/);
    });

    test("a bot token works with `Bot` on REST, not with `Bearer`; a user token only with `Bearer`", async () => {
      const bot = await createBot(server, owner);
      const me = await asBot(server, bot.token, "GET", "/users/@me");
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: bot.user.id, bot: true, email: null });
      expect((await server.request("/api/v1/users/@me", { token: bot.token })).status).toBe(401);
      expect((await asBot(server, owner.access_token, "GET", "/users/@me")).status).toBe(401);
      const forged = `${bot.token.slice(0, -4)}AAAA`;
      expect((await asBot(server, forged, "GET", "/users/@me")).status).toBe(401);
    });

    test("the bot reads its application at /applications/@me and /oauth2/applications/@me; people are refused", async () => {
      const bot = await createBot(server, owner);
      for (const path of ["/applications/@me", "/oauth2/applications/@me", "/applications/%40me"]) {
        const mine = await asBot<ApplicationBody>(server, bot.token, "GET", path);
        expect(mine.status).toBe(200);
        expect(mine.body).toMatchObject({ id: bot.application.id, owner: { id: owner.user.id }, bot: { id: bot.user.id } });
      }
      expectError(await api.get("/oauth2/applications/@me", owner), 403, 20002);
      expectError(await api.get("/applications/@me", owner), 403, 20002);
    });

    test("bots cannot manage applications, log out, list or end sessions, delete the account, or log in", async () => {
      const bot = await createBot(server, owner);
      for (const [method, path, body] of [
        ["POST", "/applications", { name: "Nested" }],
        ["GET", "/applications", undefined],
        ["PATCH", `/applications/${bot.application.id}`, { name: "Mine now" }],
        ["POST", "/auth/logout", undefined],
        ["GET", "/users/@me/sessions", undefined],
        ["DELETE", "/users/@me", { password: "whatever-password" }],
      ] as const) {
        const reply = await asBot(server, bot.token, method, path, body);
        expect({ path, status: reply.status, code: reply.body?.code }).toEqual({ path, status: 403, code: 20001 });
      }
      const login = await server.request("/api/v1/auth/login", { method: "POST", json: { login: bot.user.username, password: bot.token } });
      expect(login.status).toBe(401);
      // The token still works: none of the refusals touched it.
      expect((await asBot(server, bot.token, "GET", "/users/@me")).status).toBe(200);
    });

    test("IDENTIFY with a bot token gets READY as the bot", async () => {
      const bot = await createBot(server, owner);
      const { client, ready } = await identify(server.url, bot.token);
      expect(ready.user).toMatchObject({ id: bot.user.id, bot: true });
      client.close();
    });

    test("only the privileged intent flags can be set, and the bot's next authentication carries them", async () => {
      const bot = await createBot(server, owner);
      expect((await asBot(server, bot.token, "GET", "/users/@me")).status).toBe(200); // cached now
      expectError(await api.patch(`/applications/${bot.application.id}`, owner, { flags: 1 << 23 }), 400, 50035);
      const patched = expectStatus(await api.patch<ApplicationBody>(`/applications/${bot.application.id}`, owner, { flags: GUILD_MEMBERS | MESSAGE_CONTENT, name: "Renamed" }), 200);
      expect(patched).toMatchObject({ flags: GUILD_MEMBERS | MESSAGE_CONTENT, name: "Renamed" });
      expect((await server.app.identity.authenticateToken(bot.token)).bot).toEqual({ applicationId: bot.application.id, flags: GUILD_MEMBERS | MESSAGE_CONTENT });
      expect((await asBot<ApplicationBody>(server, bot.token, "GET", "/oauth2/applications/@me")).body.flags).toBe(GUILD_MEMBERS | MESSAGE_CONTENT);
    });

    test("resetting the token refuses the old one at once on REST and closes its gateway session; the new one works", async () => {
      const bot = await createBot(server, owner);
      expect((await asBot(server, bot.token, "GET", "/users/@me")).status).toBe(200);
      const { client } = await identify(server.url, bot.token);
      const reset = expectStatus(await api.post<{ token: string; user: { id: string } }>(`/applications/${bot.application.id}/bot/reset`, owner), 200);
      expect(reset.user.id).toBe(bot.user.id);
      expect(reset.token).not.toBe(bot.token);
      expect((await asBot(server, bot.token, "GET", "/users/@me")).status).toBe(401);
      expect((await client.closed()).code).toBe(4004);
      expect((await asBot(server, reset.token, "GET", "/users/@me")).status).toBe(200);
      const again = await identify(server.url, bot.token).catch(() => "refused");
      expect(again).toBe("refused");
    });
  });
}

describe("bot token reset across two nodes (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    second = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
  });

  test("a token reset on one node stops working at once on the other, REST and gateway, though that node had it cached", async () => {
    const owner = await registerUser(first);
    const bot = await createBot(first, owner);
    expect((await asBot(second, bot.token, "GET", "/users/@me")).status).toBe(200); // cached on node 2
    const { client } = await identify(second.url, bot.token);
    const reset = await first.request(`/api/v1/applications/${bot.application.id}/bot/reset`, { method: "POST", token: owner.access_token });
    expect(reset.status).toBe(200);
    expect((await asBot(second, bot.token, "GET", "/users/@me")).status).toBe(401);
    expect((await client.closed()).code).toBe(4004);
    const { token } = (await reset.json()) as { token: string };
    expect((await asBot(second, token, "GET", "/users/@me")).status).toBe(200);
  });

  test("a flags change on one node reaches the bot's authentications on the other", async () => {
    const owner = await registerUser(first);
    const bot = await createBot(first, owner);
    expect((await second.app.identity.authenticateToken(bot.token)).bot?.flags).toBe(0); // cached on node 2
    const patched = await first.request(`/api/v1/applications/${bot.application.id}`, { method: "PATCH", json: { flags: GUILD_MEMBERS }, token: owner.access_token });
    expect(patched.status).toBe(200);
    const { waitFor } = await import("../support/server");
    await waitFor(async () => (await second.app.identity.authenticateToken(bot.token)).bot?.flags === GUILD_MEMBERS, { what: "node 2 to drop its cached flags" });
  });
});
