import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_EVERYONE_PERMISSIONS } from "../../src/shared/kernel/permissions";
import {
  type ApiClient,
  type ChannelBody,
  type FixtureRole,
  type GuildBody,
  type InviteBody,
  type RoleBody,
  bits,
  createGuild,
  createRole,
  expectError,
  expectStatus,
  generalOf,
  grantRole,
  guildWith,
  joinAll,
  registerUsers,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";
import { fieldErrors } from "../support/errors";

/** Rows matching `from` (a table and WHERE clause), read straight from the database to prove a cascade. */
const countRows = async (server: TestServer, from: string): Promise<number> => {
  const { sql } = await import("drizzle-orm");
  const result = await server.app.database.db.execute(sql.raw(`SELECT count(*)::int AS n FROM ${from}`));
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ n: number }>;
  return rows[0]?.n ?? -1;
};

for (const mode of MODES) {
  describe(`guild lifecycle (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, member: TestUser, outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, member, outsider] } = await startGuildServer(mode, 3));
    });
    afterAll(() => server.stop());

    test("POST /guilds creates the guild, @everyone, #general, General and the owner's membership in one go", async () => {
      const reply = await api.post<GuildBody>("/guilds", owner, { name: "  Friends  " });
      const guild = expectStatus(reply, 201);
      expect(guild).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        name: "Friends",
        icon: null,
        owner_id: owner.user.id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        mfa_level: 0,
        roles: [
          {
            id: guild.id,
            name: "@everyone",
            color: 0,
            position: 0,
            permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
            hoist: false,
            managed: false,
            mentionable: false,
          },
        ],
        channels: [
          expect.objectContaining({ type: 0, name: "general", guild_id: guild.id, parent_id: null, permission_overwrites: [], last_message_id: null }),
          expect.objectContaining({ type: 2, name: "General", guild_id: guild.id, parent_id: null, permission_overwrites: [] }),
        ],
        emojis: [],
      });
      const members = expectStatus(await api.get<Array<{ user: { id: string } }>>(`/guilds/${guild.id}/members?limit=10`, owner), 200);
      expect(members.map((m) => m.user.id)).toEqual([owner.user.id]);
      expect(expectStatus(await api.get(`/guilds/${guild.id}`, owner), 200)).toEqual(guild);
    });

    test("a guild name must be 2–100 characters; unknown fields are refused", async () => {
      for (const name of ["x", "   x ", "x".repeat(101)]) {
        const reply = await api.post("/guilds", owner, { name });
        expectError(reply, 400, 50035);
        expect(reply.body).toMatchObject({ errors: { name: { _errors: expect.any(Array) } } });
      }
      expectStatus(await api.post("/guilds", owner, { name: "x".repeat(100) }), 201);
      expectError(await api.post("/guilds", owner, { name: "ok name", colour: "eu" }), 400, 50035);
      expectError(await api.post("/guilds", owner, {}), 400, 50035);
      expectError(await api.post("/guilds", null, { name: "no token" }), 401, 40001);
    });

    test("GET /guilds/{id}: members see it, others get 403 50001, unknown ids 404 10004, bad ids 400", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      expect(expectStatus(await api.get<GuildBody>(`/guilds/${guild.id}`, member), 200).id).toBe(guild.id);
      expectError(await api.get(`/guilds/${guild.id}`, outsider), 403, 50001);
      expectError(await api.get("/guilds/1", owner), 404, 10004);
      expectError(await api.get("/guilds/99999999999999999999", owner), 404, 10004);
      expectError(await api.get("/guilds/abc", owner), 400, 50035);
    });

    test("GET /guilds/{id} lists only the channels the caller can view", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      const secret = expectStatus(
        await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, {
          name: "secret",
          permission_overwrites: [{ id: guild.id, type: 0, deny: bits("VIEW_CHANNEL") }],
        }),
        201,
      );
      const seen = (as: TestUser) => api.get<GuildBody>(`/guilds/${guild.id}`, as).then((r) => r.body.channels.map((c) => c.id));
      expect(await seen(owner)).toContain(secret.id);
      expect(await seen(member)).not.toContain(secret.id);
      expect(await seen(member)).toHaveLength(2);
    });

    test("PATCH /guilds/{id} renames and sets the icon with MANAGE_GUILD; others get 403 50013", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      expectError(await api.patch(`/guilds/${guild.id}`, member, { name: "Mine now" }), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}`, outsider, { name: "Mine now" }), 403, 50001);
      const managers = await createRole(api, owner, guild.id, { permissions: bits("MANAGE_GUILD") });
      await grantRole(api, owner, guild.id, member.user.id, managers.id);
      const renamed = expectStatus(
        await api.patch<GuildBody>(`/guilds/${guild.id}`, member, { name: "Renamed", icon: "https://cdn.example.test/g.png" }),
        200,
      );
      expect(renamed).toMatchObject({ name: "Renamed", icon: "https://cdn.example.test/g.png", owner_id: owner.user.id });
      expect(renamed.roles.map((r) => r.id)).toEqual([guild.id, managers.id]);
      expect(expectStatus(await api.patch<GuildBody>(`/guilds/${guild.id}`, owner, { icon: null }), 200).icon).toBeNull();
      const bad = await api.patch(`/guilds/${guild.id}`, owner, { name: "x", icon: "ftp://nope" });
      expectError(bad, 400, 50035);
      expect(Object.keys(fieldErrors(bad.body)).sort()).toEqual(["icon", "name"]);
    });

    test("ownership moves only by the owner, and only to a member", async () => {
      const admin = { permissions: ["ADMINISTRATOR"], holders: [member] } satisfies FixtureRole;
      const { guild } = await guildWith(api, owner, { members: [member], roles: { admins: admin } });
      expectError(await api.patch(`/guilds/${guild.id}`, member, { owner_id: member.user.id }), 403, 50013);
      const notMember = await api.patch(`/guilds/${guild.id}`, owner, { owner_id: outsider.user.id });
      expectError(notMember, 400, 50035);
      expect(notMember.body).toMatchObject({ errors: { owner_id: { _errors: expect.any(Array) } } });
      const moved = expectStatus(await api.patch<GuildBody>(`/guilds/${guild.id}`, owner, { owner_id: member.user.id }), 200);
      expect(moved.owner_id).toBe(member.user.id);
      // The former owner is now an ordinary member: no longer exempt, and free to leave.
      expectError(await api.delete(`/guilds/${guild.id}`, owner), 403, 50013);
      expectStatus(await api.delete(`/users/@me/guilds/${guild.id}`, owner), 204);
    });

    test("DELETE /guilds/{id}: owner only; members, roles, channels, overwrites, invites and bans go with it", async () => {
      const admin = { permissions: ["ADMINISTRATOR"], holders: [member] } satisfies FixtureRole;
      const { guild, roles: { role } } = await guildWith(api, owner, { members: [member], roles: { role: admin } });
      const channel = expectStatus(
        await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, {
          name: "doomed",
          permission_overwrites: [{ id: role.id, type: 0, allow: bits("MANAGE_MESSAGES") }],
        }),
        201,
      );
      const invite = expectStatus(await api.post<InviteBody>(`/channels/${channel.id}/invites`, owner, {}), 201);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${outsider.user.id}`, owner, {}), 204);

      expectError(await api.delete(`/guilds/${guild.id}`, member), 403, 50013);
      expectError(await api.delete(`/guilds/${guild.id}`, outsider), 403, 50001);
      expectStatus(await api.delete(`/guilds/${guild.id}`, owner), 204);

      expectError(await api.get(`/guilds/${guild.id}`, owner), 404, 10004);
      expectError(await api.get(`/guilds/${guild.id}/roles`, owner), 404, 10004);
      expectError(await api.get(`/guilds/${guild.id}/members/${member.user.id}`, owner), 404, 10004);
      expectError(await api.get(`/channels/${channel.id}`, owner), 404, 10003);
      expectError(await api.get(`/channels/${generalOf(guild).id}`, member), 404, 10003);
      expectError(await api.get(`/invites/${invite.code}`), 404, 10006);
      expectError(await api.post(`/invites/${invite.code}`, outsider), 404, 10006);
      expectError(await api.delete(`/guilds/${guild.id}`, owner), 404, 10004);
      const left = expectStatus(await api.get<Array<{ id: string }>>("/users/@me/guilds", member), 200);
      expect(left.map((g) => g.id)).not.toContain(guild.id);
      for (const table of ["roles", "members", "member_roles", "bans", "invites", "channels"]) {
        expect({ table, rows: await countRows(server, `${table} WHERE guild_id = ${guild.id}`) }).toEqual({ table, rows: 0 });
      }
      expect(await countRows(server, `permission_overwrites WHERE channel_id = ${channel.id}`)).toBe(0);
    });

    test("GET /users/@me/guilds lists the caller's guilds, oldest first", async () => {
      const [fresh] = await registerUsers(server, 1);
      const first = await createGuild(api, fresh!, "First");
      const second = await createGuild(api, owner, "Second");
      await joinAll(api, owner, second, [fresh!]);
      const guilds = expectStatus(await api.get<Array<{ id: string; name: string; owner: boolean; owner_id: string }>>("/users/@me/guilds", fresh), 200);
      expect(guilds).toEqual([
        expect.objectContaining({ id: first.id, name: "First", owner: true, owner_id: fresh!.user.id, icon: null }),
        expect.objectContaining({ id: second.id, name: "Second", owner: false, owner_id: owner.user.id }),
      ]);
    });

    test("DELETE /users/@me/guilds/{id}: members leave (204); the owner cannot (400); others 403/404", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      const reply = await api.delete(`/users/@me/guilds/${guild.id}`, owner);
      expectError(reply, 400, 50035);
      expect((reply.body as { message: string }).message).toContain("owner");
      expectStatus(await api.delete(`/users/@me/guilds/${guild.id}`, member), 204);
      expectError(await api.get(`/guilds/${guild.id}`, member), 403, 50001);
      expectError(await api.delete(`/users/@me/guilds/${guild.id}`, member), 403, 50001);
      expectError(await api.delete("/users/@me/guilds/1", member), 404, 10004);
    });

    test("deleting a role takes it from its holders and removes its overwrites", async () => {
      const { guild, roles: { role } } = await guildWith(api, owner, { members: [member], roles: { role: { holders: [member] } } });
      expectStatus(await api.put(`/channels/${generalOf(guild).id}/permissions/${role.id}`, owner, { type: 0, deny: bits("SEND_MESSAGES") }), 204);
      expectStatus(await api.delete(`/guilds/${guild.id}/roles/${role.id}`, owner), 204);
      expect(expectStatus(await api.get<{ roles: string[] }>(`/guilds/${guild.id}/members/${member.user.id}`, owner), 200).roles).toEqual([]);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${generalOf(guild).id}`, owner), 200).permission_overwrites).toEqual([]);
      const roles = expectStatus(await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, owner), 200);
      expect(roles.map((r) => r.id)).toEqual([guild.id]);
    });
  });
}
