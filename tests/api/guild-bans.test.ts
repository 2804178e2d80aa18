import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { type ApiClient, type InviteBody, expectError, expectStatus, generalOf, grantRole, guildWith, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`guild bans (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, mod: TestUser, target: TestUser, stranger: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, mod, target, stranger] } = await startGuildServer(mode, 4));
    });
    afterAll(() => server.stop());

    /** A guild where `mod` holds Mods (BAN_MEMBERS) at position 2 and `target` has joined. */
    const moderatedGuild = async () => {
      const { guild, roles } = await guildWith(api, owner, {
        members: [mod, target],
        roles: { mods: { name: "Mods", permissions: ["BAN_MEMBERS"], position: 2, holders: [mod] } },
      });
      return { guild, ...roles };
    };

    test("PUT bans a member: 204, membership gone, listed with the reason; the banned user loses all access", async () => {
      const { guild } = await moderatedGuild();
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { reason: "spam", delete_message_seconds: 3600 }), 204);
      expectError(await api.get(`/guilds/${guild.id}/members/${target.user.id}`, mod), 404, 10007);
      const bans = expectStatus(await api.get<Array<{ user: { id: string }; reason: string | null }>>(`/guilds/${guild.id}/bans`, mod), 200);
      expect(bans).toEqual([{ user: expect.objectContaining({ id: target.user.id, username: target.user.username }), reason: "spam" }]);
      expectError(await api.get(`/guilds/${guild.id}`, target), 403, 50001);
      expectError(await api.get(`/channels/${generalOf(guild).id}`, target), 403, 50001);
      expectError(await api.post(`/channels/${generalOf(guild).id}/invites`, target, {}), 403, 50001);
    });

    test("a banned user cannot rejoin by invite: 403 50013 'You are banned from this guild', no use spent", async () => {
      const { guild } = await moderatedGuild();
      const invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, owner, { max_uses: 5 }), 201);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod), 204);
      const reply = await api.post(`/invites/${invite.code}`, target);
      expectError(reply, 403, 50013);
      expect((reply.body as { message: string }).message).toBe("You are banned from this guild");
      expect(expectStatus(await api.get<InviteBody>(`/invites/${invite.code}`), 200).uses).toBe(0);
      expectStatus(await api.delete(`/guilds/${guild.id}/bans/${target.user.id}`, mod), 204);
      expectStatus(await api.post(`/invites/${invite.code}`, target), 200);
    });

    test("users who are not members can be banned ahead of time; unknown users are 404 10013", async () => {
      const { guild } = await moderatedGuild();
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${stranger.user.id}`, mod), 204);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${stranger.user.id}`, mod, { reason: "again" }), 204);
      const bans = expectStatus(await api.get<Array<{ reason: string }>>(`/guilds/${guild.id}/bans`, mod), 200);
      expect(bans.map((ban) => ban.reason)).toEqual(["again"]);
      expectError(await api.put(`/guilds/${guild.id}/bans/1`, mod, {}), 404, 10013);
    });

    test("BAN_MEMBERS is needed to list, ban and unban: 403 50013; outsiders and banned users 403 50001", async () => {
      const { guild } = await moderatedGuild();
      expectError(await api.get(`/guilds/${guild.id}/bans`, target), 403, 50013);
      expectError(await api.put(`/guilds/${guild.id}/bans/${mod.user.id}`, target, {}), 403, 50013);
      expectError(await api.get(`/guilds/${guild.id}/bans`, stranger), 403, 50001);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${stranger.user.id}`, owner, {}), 204);
      expectError(await api.delete(`/guilds/${guild.id}/bans/${stranger.user.id}`, target), 403, 50013);
      expectError(await api.get(`/guilds/${guild.id}/bans`, stranger), 403, 50001);
      expectError(await api.delete(`/guilds/${guild.id}/bans/${stranger.user.id}`, stranger), 403, 50001);
    });

    test("hierarchy: members at or above the banner, the owner and oneself cannot be banned; the owner bans anyone", async () => {
      const { guild, mods } = await moderatedGuild();
      await grantRole(api, owner, guild.id, target.user.id, mods.id);
      expectError(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, {}), 403, 50013);
      expectError(await api.put(`/guilds/${guild.id}/bans/${owner.user.id}`, mod, {}), 403, 50013);
      expectError(await api.put(`/guilds/${guild.id}/bans/${mod.user.id}`, mod, {}), 403, 50013);
      expectError(await api.put(`/guilds/${guild.id}/bans/${owner.user.id}`, owner, {}), 403, 50013);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${mod.user.id}`, owner, {}), 204);
    });

    test("bad fields are 400; lifting an absent ban is 404", async () => {
      const { guild } = await moderatedGuild();
      expectError(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { delete_message_seconds: 604801 }), 400, 50035);
      expectError(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { reason: "x".repeat(513) }), 400, 50035);
      expectError(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { purge: true }), 400, 50035);
      const absent = await api.delete(`/guilds/${guild.id}/bans/${target.user.id}`, mod);
      expect(absent.status).toBe(404);
    });

    test("BAN_ADDED carries delete_message_seconds for the message domain, after MEMBER_REMOVED", async () => {
      const { guild } = await moderatedGuild();
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
      try {
        expectStatus(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { delete_message_seconds: 86400 }), 204);
        const ban = await waitFor(() => seen.find((event) => event.type === "BAN_ADDED"), { what: "BAN_ADDED" });
        expect(ban.data).toEqual({ guild_id: guild.id, user: expect.objectContaining({ id: target.user.id }), delete_message_seconds: 86400 });
        expect(ban.topics).toEqual([`guild:${guild.id}`]);
        const removal = seen.find((event) => event.type === "MEMBER_REMOVED");
        expect(removal?.topics).toEqual([`guild:${guild.id}`, `user:${target.user.id}`]);
        expect(BigInt(removal!.id) < BigInt(ban.id)).toBe(true);
        expectStatus(await api.delete(`/guilds/${guild.id}/bans/${target.user.id}`, mod), 204);
        const lifted = await waitFor(() => seen.find((event) => event.type === "BAN_REMOVED"), { what: "BAN_REMOVED" });
        expect(lifted.data).toEqual({ guild_id: guild.id, user: expect.objectContaining({ id: target.user.id }) });
      } finally {
        await stop();
      }
    });

    test("Discord's deprecated delete_message_days is taken as days of seconds; delete_message_seconds wins when both are sent", async () => {
      for (const [body, seconds] of [
        [{ delete_message_days: 2 }, 172_800],
        [{ delete_message_days: 7, delete_message_seconds: 60 }, 60],
      ] as const) {
        const { guild } = await moderatedGuild();
        const seen: DomainEvent[] = [];
        const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
        try {
          expectStatus(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, body), 204);
          const ban = await waitFor(() => seen.find((event) => event.type === "BAN_ADDED"), { what: "BAN_ADDED" });
          expect((ban.data as { delete_message_seconds: number }).delete_message_seconds).toBe(seconds);
        } finally {
          await stop();
        }
      }
      const { guild } = await moderatedGuild();
      expectError(await api.put(`/guilds/${guild.id}/bans/${target.user.id}`, mod, { delete_message_days: 8 }), 400, 50035);
    });
  });
}
