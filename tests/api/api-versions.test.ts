import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GuildBody, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

/** The prefixes Discord's libraries use, beside XCord's documented /api/v1. */
const ALIASES = ["/api/v9", "/api/v10", "/api"] as const;

for (const mode of MODES) {
  describe(`API version prefixes (${mode.name})`, () => {
    let server: TestServer;
    let owner: TestUser, member: TestUser;
    let guild: GuildBody;
    let channelId: string;

    const call = async (prefix: string, path: string, as: TestUser, init: { method?: string; json?: unknown } = {}) => {
      const response = await server.request(`${prefix}${path}`, { method: init.method ?? "GET", json: init.json, token: as.access_token });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
    };

    beforeAll(async () => {
      const started = await startGuildServer(mode, 2);
      server = started.server;
      [owner, member] = started.users;
      const fixture = await guildWith(started.api, owner!, { members: [member!] });
      guild = fixture.guild;
      channelId = fixture.general.id;
    });

    afterAll(async () => {
      await server?.stop();
    });

    test("/api/v9, /api/v10 and /api answer the same routes as /api/v1, with the same bodies and errors", async () => {
      const documented = await call("/api/v1", "/users/@me", owner!);
      expect(documented.status).toBe(200);
      for (const prefix of ALIASES) {
        expect(await call(prefix, "/users/@me", owner!)).toEqual(documented);
        expect((await call(prefix, `/guilds/${guild.id}`, member!)).body.id).toBe(guild.id);
        // Errors too: an unknown channel is the same 404 under every prefix.
        expect(await call(prefix, "/channels/1", owner!)).toEqual(await call("/api/v1", "/channels/1", owner!));
      }
    });

    test("a write under one prefix is read under another: they are one API, not copies", async () => {
      const sent = await call("/api/v10", `/channels/${channelId}/messages`, member!, { method: "POST", json: { content: "sent through v10" } });
      expect(sent.status).toBe(201);
      const history = await call("/api/v1", `/channels/${channelId}/messages?limit=1`, owner!);
      expect(history.body[0]?.id).toBe(sent.body.id);
    });

    test("`@me` percent-encoded (/users/%40me), as Discord's libraries send it, is the caller on every @me route", async () => {
      const me = await call("/api/v1", "/users/@me", owner!);
      expect(await call("/api/v10", "/users/%40me", owner!)).toEqual(me);
      expect((await call("/api/v10", "/users/%40me/guilds", owner!)).body.map((entry) => entry.id)).toContain(guild.id);
      const renamed = await call("/api/v10", "/users/%40me", owner!, { method: "PATCH", json: { display_name: "Encoded" } });
      expect(renamed.body).toMatchObject({ id: owner!.user.id, display_name: "Encoded", global_name: "Encoded" });
      // A user id that is neither a snowflake nor @me is still a clear 400.
      expect(await call("/api/v10", "/users/%40you", owner!)).toMatchObject({ status: 400, body: { code: 50035 } });
    });

    test("other versions are unknown (404), and the OpenAPI document lists /api/v1 alone", async () => {
      expect((await call("/api/v11", "/users/@me", owner!)).status).toBe(404);
      expect((await call("/api/v8", "/users/@me", owner!)).status).toBe(404);
      const document = (await (await server.request("/swagger/json")).json()) as { paths: Record<string, unknown> };
      const paths = Object.keys(document.paths);
      expect(paths).toContain("/api/v1/users/@me");
      expect(paths.filter((path) => ALIASES.some((prefix) => path.startsWith(`${prefix}/`)) && !path.startsWith("/api/v1/"))).toEqual([]);
    });
  });
}
