import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Secret, TOTP } from "otpauth";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, expectError, expectStatus, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

/** Turns two-factor login on for `user` through the API, as a client does. */
const enableTwoFactor = async (api: ApiClient, user: TestUser): Promise<void> => {
  const secret = new Secret({ size: 20 }).base32;
  expectStatus(await api.post("/users/@me/mfa/totp/enable", user, { secret, code: TOTP.generate({ secret: Secret.fromBase32(secret) }), password: user.password }), 200);
};

for (const mode of MODES) {
  describe(`guild MFA level (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, admin: TestUser, member: TestUser;
    let memberSession: GatewayClient;

    beforeAll(async () => {
      ({ server, api, users: [owner, admin, member] } = await startGuildServer(mode, 3));
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
  });
}
