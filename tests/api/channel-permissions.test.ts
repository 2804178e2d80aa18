import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type ApiClient,
  type ChannelBody,
  type RoleBody,
  bits,
  createGuild,
  createRole,
  expectError,
  expectStatus,
  grantRole,
  guildWith,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

for (const mode of MODES) {
  describe(`channel permission overwrites (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, warden: TestUser, member: TestUser, outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, warden, member, outsider] } = await startGuildServer(mode, 4));
    });
    afterAll(() => server.stop());

    /** A guild where `warden` holds Wardens (MANAGE_ROLES, MANAGE_CHANNELS, KICK_MEMBERS); `member` holds Crew (nothing). */
    const guardedGuild = async () => {
      const { guild, general, roles } = await guildWith(api, owner, {
        members: [warden, member],
        roles: {
          wardens: { name: "Wardens", permissions: ["MANAGE_ROLES", "MANAGE_CHANNELS", "KICK_MEMBERS"], holders: [warden] },
          crew: { name: "Crew", holders: [member] },
        },
      });
      return { guild, general, ...roles };
    };
    const overwrite = (channel: ChannelBody, targetId: string, as: TestUser, body: object) =>
      api.put(`/channels/${channel.id}/permissions/${targetId}`, as, body);
    const overwritesOf = async (channel: ChannelBody) =>
      expectStatus(await api.get<ChannelBody>(`/channels/${channel.id}`, owner), 200).permission_overwrites;

    test("PUT sets a role or member overwrite (204), replacing the previous one; DELETE removes it (204)", async () => {
      const { guild, crew, general } = await guardedGuild();
      expectStatus(await overwrite(general, crew.id, warden, { type: 0, allow: bits("KICK_MEMBERS"), deny: bits("SEND_MESSAGES") }), 204);
      expectStatus(await overwrite(general, member.user.id, warden, { type: 1, deny: bits("ADD_REACTIONS") }), 204);
      expect(await overwritesOf(general)).toEqual(
        expect.arrayContaining([
          { id: crew.id, type: 0, allow: bits("KICK_MEMBERS"), deny: bits("SEND_MESSAGES") },
          { id: member.user.id, type: 1, allow: "0", deny: bits("ADD_REACTIONS") },
        ]),
      );
      expectStatus(await overwrite(general, crew.id, warden, { type: 0, allow: "0", deny: "0" }), 204);
      expect((await overwritesOf(general)).find((o) => o.id === crew.id)).toEqual({ id: crew.id, type: 0, allow: "0", deny: "0" });
      expectStatus(await api.delete(`/channels/${general.id}/permissions/${crew.id}`, warden), 204);
      expectStatus(await api.delete(`/channels/${general.id}/permissions/${crew.id}`, warden), 204);
      expect((await overwritesOf(general)).map((o) => o.id)).toEqual([member.user.id]);
      expectStatus(await overwrite(general, guild.id, warden, { type: 0, deny: bits("VIEW_CHANNEL") }), 204);
    });

    test("overwrites decide who sees a channel", async () => {
      const { guild, crew } = await guardedGuild();
      const lounge = expectStatus(await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "lounge" }), 201);
      expectStatus(await overwrite(lounge, guild.id, owner, { type: 0, deny: bits("VIEW_CHANNEL") }), 204);
      expectError(await api.get(`/channels/${lounge.id}`, member), 403, 50001);
      expectStatus(await overwrite(lounge, crew.id, owner, { type: 0, allow: bits("VIEW_CHANNEL") }), 204);
      expectStatus(await api.get(`/channels/${lounge.id}`, member), 200);
      expectStatus(await overwrite(lounge, member.user.id, owner, { type: 1, deny: bits("VIEW_CHANNEL") }), 204);
      expectError(await api.get(`/channels/${lounge.id}`, member), 403, 50001);
      const visible = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, member), 200);
      expect(visible.map((c) => c.id)).not.toContain(lounge.id);
      // A channel one cannot view answers 50001 to every route, even those that need a permission.
      expectError(await api.patch(`/channels/${lounge.id}`, member, { name: "x" }), 403, 50001);
      expectError(await overwrite(lounge, member.user.id, member, { type: 1, allow: bits("VIEW_CHANNEL") }), 403, 50001);
    });

    test("MANAGE_ROLES is needed (in the channel): members without it get 403 50013, outsiders 403 50001", async () => {
      const { crew, general } = await guardedGuild();
      expectError(await overwrite(general, crew.id, member, { type: 0, deny: bits("SEND_MESSAGES") }), 403, 50013);
      expectError(await api.delete(`/channels/${general.id}/permissions/${crew.id}`, member), 403, 50013);
      expectError(await overwrite(general, crew.id, outsider, { type: 0, deny: bits("SEND_MESSAGES") }), 403, 50001);
      expectError(await api.delete(`/channels/${general.id}/permissions/${crew.id}`, outsider), 403, 50001);
      // An overwrite can grant MANAGE_ROLES in one channel.
      expectStatus(await overwrite(general, member.user.id, owner, { type: 1, allow: bits("MANAGE_ROLES") }), 204);
      expectStatus(await overwrite(general, crew.id, member, { type: 0, deny: bits("MANAGE_ROLES") }), 204);
    });

    test("the target must be a role or member of the guild: 404 10011 / 10007", async () => {
      const { general } = await guardedGuild();
      const other = await createGuild(api, owner);
      expectError(await overwrite(general, "1", warden, { type: 0, deny: bits("SEND_MESSAGES") }), 404, 10011);
      expectError(await overwrite(general, other.id, warden, { type: 0, deny: bits("SEND_MESSAGES") }), 404, 10011);
      expectError(await overwrite(general, outsider.user.id, warden, { type: 1, deny: bits("SEND_MESSAGES") }), 404, 10007);
      expectError(await overwrite(general, member.user.id, warden, { type: 2 }), 400, 50035);
      expectError(await overwrite(general, member.user.id, warden, { type: 1, allow: "-5" }), 400, 50035);
      expectError(await overwrite(general, member.user.id, warden, { type: 1, extra: 1 }), 400, 50035);
    });

    test("only bits the caller holds may be allowed or denied; the owner and administrators hold all", async () => {
      const { guild, crew, general } = await guardedGuild();
      const denied = await overwrite(general, crew.id, warden, { type: 0, allow: bits("BAN_MEMBERS") });
      expectError(denied, 403, 50013);
      expect((denied.body as { message: string }).message).toContain("BAN_MEMBERS");
      expectError(await overwrite(general, crew.id, warden, { type: 0, deny: bits("MANAGE_GUILD") }), 403, 50013);
      expectStatus(await overwrite(general, crew.id, warden, { type: 0, allow: bits("KICK_MEMBERS"), deny: bits("SEND_MESSAGES") }), 204);
      expectStatus(await overwrite(general, crew.id, owner, { type: 0, allow: bits("BAN_MEMBERS", "KICK_MEMBERS") }), 204);
      // Bits the warden lacks may stay untouched while they edit the rest; removing the overwrite touches them all.
      expectStatus(await overwrite(general, crew.id, warden, { type: 0, allow: bits("BAN_MEMBERS") }), 204);
      expectError(await api.delete(`/channels/${general.id}/permissions/${crew.id}`, warden), 403, 50013);
      const admins = await createRole(api, owner, guild.id, { permissions: bits("ADMINISTRATOR") });
      await grantRole(api, owner, guild.id, member.user.id, admins.id);
      expectStatus(await overwrite(general, crew.id, member, { type: 0, allow: bits("MANAGE_GUILD") }), 204);
    });

    test("POST /guilds/{id}/channels and PATCH /channels/{id} take overwrites under the same rules", async () => {
      const { guild, crew, wardens } = await guardedGuild();
      const created = expectStatus(
        await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, warden, {
          name: "staff",
          permission_overwrites: [
            { id: guild.id, type: 0, deny: bits("VIEW_CHANNEL") },
            { id: wardens.id, type: 0, allow: bits("VIEW_CHANNEL") },
          ],
        }),
        201,
      );
      expect(created.permission_overwrites).toHaveLength(2);
      expectError(await api.get(`/channels/${created.id}`, member), 403, 50001);
      const body = (overwrites: object[]) => ({ name: "x", permission_overwrites: overwrites });
      expectError(await api.post(`/guilds/${guild.id}/channels`, warden, body([{ id: crew.id, type: 0, allow: bits("BAN_MEMBERS") }])), 403, 50013);
      const missing = await api.post(`/guilds/${guild.id}/channels`, warden, body([{ id: outsider.user.id, type: 1, allow: "0" }]));
      expectError(missing, 400, 50035);
      expect(missing.body).toMatchObject({ errors: { permission_overwrites: { "0": { id: { _errors: expect.any(Array) } } } } });
      expectError(await api.post(`/guilds/${guild.id}/channels`, warden, body([{ id: crew.id, type: 0 }, { id: crew.id, type: 0 }])), 400, 50035);

      const patched = expectStatus(
        await api.patch<ChannelBody>(`/channels/${created.id}`, warden, { permission_overwrites: [{ id: crew.id, type: 0, allow: bits("VIEW_CHANNEL") }] }),
        200,
      );
      expect(patched.permission_overwrites).toEqual([{ id: crew.id, type: 0, allow: bits("VIEW_CHANNEL"), deny: "0" }]);
      expectStatus(await api.get(`/channels/${created.id}`, member), 200);
      // MANAGE_CHANNELS alone may rename but not touch overwrites.
      const renamers = await createRole(api, owner, guild.id, { permissions: bits("MANAGE_CHANNELS") });
      await grantRole(api, owner, guild.id, member.user.id, renamers.id);
      expectStatus(await api.patch(`/channels/${created.id}`, member, { name: "renamed" }), 200);
      expectError(await api.patch(`/channels/${created.id}`, member, { permission_overwrites: [] }), 403, 50013);
    });

    test("deleting a role removes its overwrites", async () => {
      const { guild, crew, general } = await guardedGuild();
      expectStatus(await overwrite(general, crew.id, owner, { type: 0, deny: bits("SEND_MESSAGES") }), 204);
      expectStatus(await api.delete(`/guilds/${guild.id}/roles/${crew.id}`, owner), 204);
      expect(await overwritesOf(general)).toEqual([]);
      const roles = expectStatus(await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, owner), 200);
      expect(roles.map((r) => r.id)).not.toContain(crew.id);
    });

    test("a guild's channel list shows each member only what they may view", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      const names = ["a", "b", "c"];
      for (const name of names) {
        const hide = name === "b" ? [{ id: member.user.id, type: 1, deny: bits("VIEW_CHANNEL") }] : [];
        expectStatus(await api.post(`/guilds/${guild.id}/channels`, owner, { name, permission_overwrites: hide }), 201);
      }
      const seen = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, member), 200);
      expect(seen.map((c) => c.name)).toEqual(["general", "General", "a", "c"]);
    });
  });
}
