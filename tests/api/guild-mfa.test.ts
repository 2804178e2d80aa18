import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, apiClient, bits, expectError, expectStatus, guildWith, registerUsers, startGuildServer } from "../support/guild";
import { type TestUser, asBot, createBot, identityEnv } from "../support/identity";
import { pngBytes, send } from "../support/message";
import { MODES, type TestServer, modeNamed, startServer } from "../support/server";

/** A 1×1 PNG as a data URI, for emoji. */
const PIXEL = `data:image/png;base64,${Buffer.from(pngBytes()).toString("base64")}`;

/** Turns two-factor login on for `user` through the API, as a client does. */
const enableTwoFactor = async (api: ApiClient, user: TestUser): Promise<void> => {
  const secret = new Secret({ size: 20 }).base32;
  expectStatus(await api.post("/users/@me/mfa/totp/enable", user, { secret, code: TOTP.generate({ secret: Secret.fromBase32(secret) }), password: user.password }), 200);
};

for (const mode of MODES) {
  describe(`guild MFA level (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, admin: TestUser, member: TestUser, moderator: TestUser, victim: TestUser;
    let memberSession: GatewayClient;

    beforeAll(async () => {
      ({ server, api, users: [owner, admin, member, moderator, victim] } = await startGuildServer(mode, 5));
      memberSession = (await identify(server.url, member.access_token)).client;
    });
    afterAll(async () => {
      memberSession.close();
      await server.stop();
    });

    test("a guild starts at mfa_level 0; POST /guilds/{id}/mfa is the owner's, who needs two-factor login (403 60003)", async () => {
      const { guild } = await guildWith(api, owner, { members: [admin, member], roles: { admins: { name: "Admins", permissions: ["ADMINISTRATOR"], holders: [admin] } } });
      expect(guild.mfa_level).toBe(0);
      expectError(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 1 }), 403, 60003);
      expectError(await api.post(`/guilds/${guild.id}/mfa`, admin, { level: 1 }), 403, 50013);
      expectError(await api.post(`/guilds/${guild.id}/mfa`, member, { level: 1 }), 403, 50013);
      await enableTwoFactor(api, owner);
      expectError(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 2 }), 400, 50035);
      expect(expectStatus(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 1 }), 200)).toEqual({ level: 1 });
      await memberSession.dispatch("GUILD_UPDATE", (d) => d.id === guild.id && d.mfa_level === 1);
      expect(expectStatus(await api.get<GuildBody>(`/guilds/${guild.id}`, member), 200).mfa_level).toBe(1);
      // Discord's PATCH /guilds/{id} has no mfa_level: it is refused there, not silently dropped.
      expectError(await api.patch(`/guilds/${guild.id}`, owner, { mfa_level: 0 }), 400, 50035);
      expect(expectStatus(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 0 }), 200)).toEqual({ level: 0 });
      expect(expectStatus(await api.get<GuildBody>(`/guilds/${guild.id}`, owner), 200).mfa_level).toBe(0);
    });

    test("at level 1, members without two-factor login lose the moderation permissions (403 60003), keep the others, and get them back with it", async () => {
      const { guild, general } = await guildWith(api, owner, {
        members: [admin, member, moderator, victim],
        roles: {
          admins: { name: "Admins", permissions: ["ADMINISTRATOR"], holders: [admin] },
          mods: { name: "Mods", permissions: ["MANAGE_MESSAGES", "MANAGE_CHANNELS", "MANAGE_THREADS", "KICK_MEMBERS", "VIEW_AUDIT_LOG", "MANAGE_GUILD_EXPRESSIONS"], holders: [moderator] },
        },
      });
      const bot = await createBot(server, owner);
      expectStatus(await api.post(`/oauth2/authorize?client_id=${bot.application.id}&scope=bot`, owner, { guild_id: guild.id, permissions: bits("ADMINISTRATOR"), authorize: true }), 200);
      // The owner of the earlier test already has two-factor login.
      expectStatus(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 1 }), 200);
      const victimMessage = await send(api, victim, general.id, "moderate me");

      expectError(await api.delete(`/channels/${general.id}/messages/${victimMessage.id}`, moderator), 403, 60003);
      expectError(await api.patch(`/channels/${general.id}`, moderator, { topic: "mine" }), 403, 60003);
      expectError(await api.post(`/guilds/${guild.id}/channels`, moderator, { name: "mod-room" }), 403, 60003);
      expectError(await api.delete(`/guilds/${guild.id}/members/${victim.user.id}`, moderator), 403, 60003);
      expectError(await api.patch(`/guilds/${guild.id}`, admin, { name: "Taken over" }), 403, 60003);
      expectError(await api.put(`/guilds/${guild.id}/bans/${victim.user.id}`, admin, {}), 403, 60003);
      const thread = expectStatus(await api.post<{ id: string }>(`/channels/${general.id}/threads`, victim, { name: "talk", type: 11 }), 201);
      expectError(await api.patch(`/channels/${thread.id}`, moderator, { locked: true }), 403, 60003);
      // Creating emoji takes either expressions permission: the one the moderator holds is withheld.
      expectError(await api.post(`/guilds/${guild.id}/emojis`, moderator, { name: "mod_emoji", image: PIXEL }), 403, 60003);
      // What is no moderation permission stays: sending, and a permission outside Discord's two-factor list.
      await send(api, moderator, general.id, "still here");
      expectStatus(await api.get(`/guilds/${guild.id}/audit-logs`, moderator), 200);
      // Without the permission at all it stays 50013.
      expectError(await api.patch(`/channels/${general.id}`, member, { topic: "mine" }), 403, 50013);
      // Bots are not held by the MFA level (docs/rest.md).
      expect((await asBot(server, bot.token, "PATCH", `/channels/${general.id}`, { topic: "by the bot" })).status).toBe(200);

      // Two-factor login on: the moderation permissions are back at once (the node's caches hear USER_UPDATED).
      await enableTwoFactor(api, moderator);
      expect((await api.delete(`/channels/${general.id}/messages/${victimMessage.id}`, moderator)).status).toBe(204);
      expectStatus(await api.patch(`/channels/${general.id}`, moderator, { topic: "moderated" }), 200);
      expectStatus(await api.patch(`/channels/${thread.id}`, moderator, { locked: true }), 200);
      // Level 0 again: the administrator without two-factor login may act again (GUILD_UPDATE drops the answers).
      expectStatus(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 0 }), 200);
      expectStatus(await api.patch(`/guilds/${guild.id}`, admin, { name: "Renamed" }), 200);
      expectStatus(await api.patch(`/channels/${general.id}`, admin, { topic: "admin again" }), 200);
    });
  });
}

describe("guild MFA level across nodes (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let first: TestServer, second: TestServer;

  beforeAll(async () => {
    first = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    second = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
  });
  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
  });

  test("a moderator who turns two-factor login on through one node may moderate through the other at once", async () => {
    const [api, other] = [apiClient(first), apiClient(second)];
    const [owner, moderator] = await registerUsers(first, 2);
    const { guild, general } = await guildWith(api, owner, { members: [moderator], roles: { mods: { name: "Mods", permissions: ["MANAGE_CHANNELS"], holders: [moderator] } } });
    await enableTwoFactor(api, owner);
    expectStatus(await api.post(`/guilds/${guild.id}/mfa`, owner, { level: 1 }), 200);
    // The second node answers (and keeps) the withheld permission first.
    expectError(await other.patch(`/channels/${general.id}`, moderator, { topic: "before" }), 403, 60003);
    await enableTwoFactor(api, moderator);
    expectStatus(await other.patch(`/channels/${general.id}`, moderator, { topic: "after" }), 200);
  });
});
