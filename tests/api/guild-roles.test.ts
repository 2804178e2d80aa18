import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_EVERYONE_PERMISSIONS } from "../../src/shared/kernel/permissions";
import {
  type ApiClient,
  type RoleBody,
  bits,
  createGuild,
  createRole,
  expectError,
  expectStatus,
  guildWith,
  moveRoles,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";
import { fieldErrors } from "../support/errors";

for (const mode of MODES) {
  describe(`guild roles (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, manager: TestUser, plain: TestUser, outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, manager, plain, outsider] } = await startGuildServer(mode, 4));
    });
    afterAll(() => server.stop());

    /** A guild where `manager` holds Managers (MANAGE_ROLES, KICK_MEMBERS) at position 5, above Low at 2. */
    const managedGuild = async () => {
      const { guild, roles } = await guildWith(api, owner, {
        members: [manager, plain],
        roles: {
          managers: { name: "Managers", permissions: ["MANAGE_ROLES", "KICK_MEMBERS"], position: 5, holders: [manager] },
          low: { name: "Low", position: 2 },
        },
      });
      return { guild, ...roles };
    };

    test("POST creates a role at position 1 with @everyone's permissions by default (201); GET lists lowest first", async () => {
      const guild = await createGuild(api, owner);
      const role = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, {}), 201);
      expect(role).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        name: "new role",
        color: 0,
        position: 1,
        permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
        hoist: false,
        mentionable: false,
        managed: false,
      });
      const custom = expectStatus(
        await api.post<RoleBody>(`/guilds/${guild.id}/roles`, owner, { name: " Crew ", permissions: bits("KICK_MEMBERS"), color: 0xff0000, hoist: true, mentionable: true }),
        201,
      );
      expect(custom).toMatchObject({ name: "Crew", permissions: bits("KICK_MEMBERS"), color: 0xff0000, hoist: true, mentionable: true, position: 1 });
      const roles = expectStatus(await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, owner), 200);
      // Same position: the newer role ranks lower.
      expect(roles.map((r) => r.id)).toEqual([guild.id, custom.id, role.id]);
    });

    test("bad fields are 400 50035 naming each field", async () => {
      const guild = await createGuild(api, owner);
      const reply = await api.post(`/guilds/${guild.id}/roles`, owner, { name: "", permissions: "lots", color: 0x1000000 });
      expectError(reply, 400, 50035);
      expect(Object.keys(fieldErrors(reply.body)).sort()).toEqual(["color", "name", "permissions"]);
      expectError(await api.post(`/guilds/${guild.id}/roles`, owner, { name: "x", icon: 5 }), 400, 50035);
      expectError(await api.post(`/guilds/${guild.id}/roles`, owner, { name: "x", bogus: "no" }), 400, 50035);
    });

    test("creating needs MANAGE_ROLES, and only permissions the creator holds", async () => {
      const { guild } = await managedGuild();
      expectError(await api.post(`/guilds/${guild.id}/roles`, plain, { name: "mine" }), 403, 50013);
      expectError(await api.post(`/guilds/${guild.id}/roles`, outsider, { name: "mine" }), 403, 50001);
      expectStatus(await api.post(`/guilds/${guild.id}/roles`, manager, { name: "kickers", permissions: bits("KICK_MEMBERS") }), 201);
      const greedy = await api.post(`/guilds/${guild.id}/roles`, manager, { name: "bans", permissions: bits("BAN_MEMBERS") });
      expectError(greedy, 403, 50013);
      expect((greedy.body as { message: string }).message).toContain("BAN_MEMBERS");
      expectError(await api.post(`/guilds/${guild.id}/roles`, manager, { permissions: bits("ADMINISTRATOR") }), 403, 50013);
      expectStatus(await api.post(`/guilds/${guild.id}/roles`, owner, { permissions: bits("ADMINISTRATOR") }), 201);
    });

    test("PATCH edits roles strictly below the editor's highest; never at or above", async () => {
      const { guild, managers, low } = await managedGuild();
      const edited = expectStatus(await api.patch<RoleBody>(`/guilds/${guild.id}/roles/${low.id}`, manager, { name: "Lower", color: 255 }), 200);
      expect(edited).toMatchObject({ id: low.id, name: "Lower", color: 255, position: 2 });
      expectError(await api.patch(`/guilds/${guild.id}/roles/${managers.id}`, manager, { name: "Self" }), 403, 50013);
      const high = await createRole(api, owner, guild.id, { name: "High" });
      await moveRoles(api, owner, guild.id, [{ id: high.id, position: 9 }]);
      expectError(await api.patch(`/guilds/${guild.id}/roles/${high.id}`, manager, { name: "Mine" }), 403, 50013);
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${managers.id}`, owner, { name: "Managers!" }), 200);
      expectError(await api.patch(`/guilds/${guild.id}/roles/${low.id}`, plain, { name: "x" }), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/roles/1`, manager, { name: "x" }), 404, 10011);
    });

    test("PATCH may only add permissions the editor holds; keeping ones they lack is fine", async () => {
      const { guild, low } = await managedGuild();
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${low.id}`, owner, { permissions: bits("BAN_MEMBERS") }), 200);
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${low.id}`, manager, { name: "still banning" }), 200);
      expectError(await api.patch(`/guilds/${guild.id}/roles/${low.id}`, manager, { permissions: bits("BAN_MEMBERS", "MANAGE_GUILD") }), 403, 50013);
      const trimmed = expectStatus(await api.patch<RoleBody>(`/guilds/${guild.id}/roles/${low.id}`, manager, { permissions: bits("KICK_MEMBERS") }), 200);
      expect(trimmed.permissions).toBe(bits("KICK_MEMBERS"));
    });

    test("@everyone can be edited but not renamed, moved or deleted", async () => {
      const { guild } = await managedGuild();
      const everyone = expectStatus(await api.patch<RoleBody>(`/guilds/${guild.id}/roles/${guild.id}`, manager, { permissions: bits("VIEW_CHANNEL") }), 200);
      expect(everyone.permissions).toBe(bits("VIEW_CHANNEL"));
      expectError(await api.patch(`/guilds/${guild.id}/roles/${guild.id}`, owner, { name: "everybody" }), 400, 50035);
      expectError(await api.delete(`/guilds/${guild.id}/roles/${guild.id}`, owner), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, owner, [{ id: guild.id, position: 3 }]), 400, 50035);
    });

    test("DELETE removes a role below the deleter's highest (204); at or above is 403; unknown 404", async () => {
      const { guild, managers, low } = await managedGuild();
      expectError(await api.delete(`/guilds/${guild.id}/roles/${managers.id}`, manager), 403, 50013);
      expectError(await api.delete(`/guilds/${guild.id}/roles/${low.id}`, plain), 403, 50013);
      expectError(await api.delete(`/guilds/${guild.id}/roles/${low.id}`, outsider), 403, 50001);
      expectStatus(await api.delete(`/guilds/${guild.id}/roles/${low.id}`, manager), 204);
      expectError(await api.delete(`/guilds/${guild.id}/roles/${low.id}`, manager), 404, 10011);
      const roles = expectStatus(await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, plain), 200);
      expect(roles.map((r) => r.id)).toEqual([guild.id, managers.id]);
    });

    test("PATCH /guilds/{id}/roles moves roles within the caller's reach and answers them all", async () => {
      const { guild, managers, low } = await managedGuild();
      const other = await createRole(api, owner, guild.id, { name: "Other" });
      const moved = expectStatus(
        await api.patch<RoleBody[]>(`/guilds/${guild.id}/roles`, manager, [
          { id: other.id, position: 4 },
          { id: low.id, position: 3 },
        ]),
        200,
      );
      expect(moved.map((r) => [r.id, r.position])).toEqual([
        [guild.id, 0],
        [low.id, 3],
        [other.id, 4],
        [managers.id, 5],
      ]);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, manager, [{ id: low.id, position: 5 }]), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, manager, [{ id: managers.id, position: 1 }]), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, manager, [{ id: low.id, position: 0 }]), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, manager, [{ id: "1", position: 2 }]), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, plain, [{ id: low.id, position: 2 }]), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/roles`, manager, []), 400, 50035);
    });

    test("a member without roles cannot manage even @everyone, though MANAGE_ROLES comes from it", async () => {
      const { guild } = await guildWith(api, owner, { members: [plain] });
      expectStatus(await api.patch(`/guilds/${guild.id}/roles/${guild.id}`, owner, { permissions: bits("VIEW_CHANNEL", "MANAGE_ROLES") }), 200);
      const created = expectStatus(await api.post<RoleBody>(`/guilds/${guild.id}/roles`, plain, { name: "made" }), 201);
      expectError(await api.patch(`/guilds/${guild.id}/roles/${created.id}`, plain, { name: "mine" }), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/roles/${guild.id}`, plain, { permissions: "0" }), 403, 50013);
    });

    test("a guild holds at most 250 roles, @everyone included: the next one is 400 30001", async () => {
      const guild = await createGuild(api, owner);
      for (let i = 1; i < 250; i++) expectStatus(await api.post(`/guilds/${guild.id}/roles`, owner, { name: `r${i}` }), 201);
      const reply = await api.post(`/guilds/${guild.id}/roles`, owner, { name: "too many" });
      expectError(reply, 400, 30001);
      expect((reply.body as { message: string }).message).toContain("250");
      expect(expectStatus(await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, owner), 200)).toHaveLength(250);
    }, 60_000);
  });
}
