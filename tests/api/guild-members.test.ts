import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type ApiClient,
  type GuildBody,
  type MemberBody,
  type RoleBody,
  bits,
  createRole,
  expectError,
  expectStatus,
  grantRole,
  guildWith,
  joinAll,
  moveRoles,
  registerUsers,
  setEveryone,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";
import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";

for (const mode of MODES) {
  describe(`guild members (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, mod: TestUser, helper: TestUser, plain: TestUser, outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, mod, helper, plain, outsider] } = await startGuildServer(mode, 5));
    });
    afterAll(() => server.stop());

    /** A guild where `mod` holds Mods (kick, roles, nicknames) above Helpers, held by `helper`; `plain` holds nothing. */
    const staffedGuild = async () => {
      const { guild, roles } = await guildWith(api, owner, {
        members: [mod, helper, plain],
        roles: {
          mods: { name: "Mods", permissions: ["KICK_MEMBERS", "MANAGE_ROLES", "MANAGE_NICKNAMES"], position: 2, holders: [mod] },
          helpers: { name: "Helpers", position: 1, holders: [helper] },
        },
      });
      return { guild, ...roles };
    };

    describe("listing", () => {
      let guild: GuildBody;
      beforeAll(async () => {
        ({ guild } = await guildWith(api, owner, { members: [mod, helper, plain] }));
      });
      const everyoneSorted = () => [owner, mod, helper, plain].map((u) => u.user.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

      test("pages by ascending user id: limit defaults to 1, `after` continues", async () => {
        const first = expectStatus(await api.get<MemberBody[]>(`/guilds/${guild.id}/members`, plain), 200);
        expect(first.map((m) => m.user.id)).toEqual(everyoneSorted().slice(0, 1));
        const all = expectStatus(await api.get<MemberBody[]>(`/guilds/${guild.id}/members?limit=1000`, plain), 200);
        expect(all.map((m) => m.user.id)).toEqual(everyoneSorted());
        expect(all[0]).toEqual({
          user: expect.objectContaining({ id: everyoneSorted()[0], username: expect.any(String), bot: false }),
          nick: null,
          roles: [],
          joined_at: expect.stringMatching(/Z$/),
        });
        expect(JSON.stringify(all)).not.toContain("@example.test");
        const rest = expectStatus(await api.get<MemberBody[]>(`/guilds/${guild.id}/members?limit=2&after=${everyoneSorted()[1]}`, plain), 200);
        expect(rest.map((m) => m.user.id)).toEqual(everyoneSorted().slice(2, 4));
        expect(expectStatus(await api.get<MemberBody[]>(`/guilds/${guild.id}/members?limit=5&after=99999999999999999999`, plain), 200)).toEqual([]);
      });

      test("limit must be 1–1000", async () => {
        for (const limit of ["0", "1001", "x"]) expectError(await api.get(`/guilds/${guild.id}/members?limit=${limit}`, plain), 400, 50035);
      });

      test("one member by id; a non-member is 404 10007; outsiders are 403 50001", async () => {
        const one = expectStatus(await api.get<MemberBody>(`/guilds/${guild.id}/members/${mod.user.id}`, plain), 200);
        expect(one.user.id).toBe(mod.user.id);
        expectError(await api.get(`/guilds/${guild.id}/members/${outsider.user.id}`, plain), 404, 10007);
        expectError(await api.get(`/guilds/${guild.id}/members`, outsider), 403, 50001);
        expectError(await api.get(`/guilds/${guild.id}/members/${mod.user.id}`, outsider), 403, 50001);
      });
    });

    describe("nicknames", () => {
      test("one's own needs CHANGE_NICKNAME (in @everyone by default); blank clears it", async () => {
        const { guild } = await staffedGuild();
        const set = expectStatus(await api.patch<MemberBody>(`/guilds/${guild.id}/members/${plain.user.id}`, plain, { nick: "  Plainly  " }), 200);
        expect(set.nick).toBe("Plainly");
        expect(expectStatus(await api.patch<MemberBody>(`/guilds/${guild.id}/members/${plain.user.id}`, plain, { nick: "" }), 200).nick).toBeNull();
        await setEveryone(api, owner, guild.id, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CHANGE_NICKNAME);
        expectError(await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, plain, { nick: "Again" }), 403, 50013);
        expectError(await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, plain, { nick: "x".repeat(33) }), 400, 50035);
      });

      test("another's needs MANAGE_NICKNAMES and a target ranked below; the owner is exempt", async () => {
        const { guild } = await staffedGuild();
        expectError(await api.patch(`/guilds/${guild.id}/members/${helper.user.id}`, plain, { nick: "Renamed" }), 403, 50013);
        const renamed = expectStatus(await api.patch<MemberBody>(`/guilds/${guild.id}/members/${helper.user.id}`, mod, { nick: "Renamed" }), 200);
        expect(renamed.nick).toBe("Renamed");
        expectError(await api.patch(`/guilds/${guild.id}/members/${owner.user.id}`, mod, { nick: "Boss" }), 403, 50013);
        expect(expectStatus(await api.patch<MemberBody>(`/guilds/${guild.id}/members/${mod.user.id}`, owner, { nick: "Moddy" }), 200).nick).toBe("Moddy");
        expect(expectStatus(await api.get<MemberBody>(`/guilds/${guild.id}/members/${mod.user.id}`, plain), 200).nick).toBe("Moddy");
      });
    });

    describe("roles of members", () => {
      test("PATCH roles replaces the set, with MANAGE_ROLES, for roles below the caller's highest", async () => {
        const { guild, mods, helpers } = await staffedGuild();
        const extra = await createRole(api, owner, guild.id, { name: "Extra" });
        const updated = expectStatus(
          await api.patch<MemberBody>(`/guilds/${guild.id}/members/${plain.user.id}`, mod, { roles: [helpers.id, extra.id] }),
          200,
        );
        expect(updated.roles.sort()).toEqual([helpers.id, extra.id].sort());
        expectError(await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, mod, { roles: [mods.id] }), 403, 50013);
        expectError(await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, helper, { roles: [] }), 403, 50013);
        const unknown = await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, mod, { roles: ["1"] });
        expectError(unknown, 400, 50035);
        expect(unknown.body).toMatchObject({ errors: { roles: { _errors: expect.any(Array) } } });
        expectError(await api.patch(`/guilds/${guild.id}/members/${plain.user.id}`, mod, { roles: [guild.id] }), 400, 50035);
      });

      test("editing a member ranked at or above the caller is refused; the owner may edit anyone", async () => {
        const { guild, mods, helpers } = await staffedGuild();
        const [peer] = await registerUsers(server, 1);
        await joinAll(api, owner, guild, [peer!]);
        await grantRole(api, owner, guild.id, peer!.user.id, mods.id);
        expectError(await api.patch(`/guilds/${guild.id}/members/${peer!.user.id}`, mod, { roles: [mods.id, helpers.id] }), 403, 50013);
        expectError(await api.put(`/guilds/${guild.id}/members/${peer!.user.id}/roles/${helpers.id}`, mod), 403, 50013);
        expectStatus(await api.patch(`/guilds/${guild.id}/members/${peer!.user.id}`, owner, { roles: [] }), 200);
      });

      test("PUT|DELETE a member's role: 204, idempotent, within the hierarchy", async () => {
        const { guild, mods, helpers } = await staffedGuild();
        const path = `/guilds/${guild.id}/members/${plain.user.id}/roles/${helpers.id}`;
        expectStatus(await api.put(path, mod), 204);
        expectStatus(await api.put(path, mod), 204);
        expect(expectStatus(await api.get<MemberBody>(`/guilds/${guild.id}/members/${plain.user.id}`, plain), 200).roles).toEqual([helpers.id]);
        expectStatus(await api.delete(path, mod), 204);
        expectStatus(await api.delete(path, mod), 204);
        expect(expectStatus(await api.get<MemberBody>(`/guilds/${guild.id}/members/${plain.user.id}`, plain), 200).roles).toEqual([]);
        expectError(await api.put(`/guilds/${guild.id}/members/${plain.user.id}/roles/${mods.id}`, mod), 403, 50013);
        expectError(await api.put(path, plain), 403, 50013);
        expectError(await api.put(`/guilds/${guild.id}/members/${plain.user.id}/roles/1`, mod), 404, 10011);
        expectError(await api.put(`/guilds/${guild.id}/members/${outsider.user.id}/roles/${helpers.id}`, mod), 404, 10007);
        expectError(await api.put(path, outsider), 403, 50001);
      });

      test("a member may give themselves a role below their highest", async () => {
        const { guild, helpers } = await staffedGuild();
        expectStatus(await api.put(`/guilds/${guild.id}/members/${mod.user.id}/roles/${helpers.id}`, mod), 204);
      });
    });

    describe("kicks", () => {
      test("KICK_MEMBERS removes a member ranked below; they lose access at once", async () => {
        const { guild } = await staffedGuild();
        expectStatus(await api.delete(`/guilds/${guild.id}/members/${helper.user.id}`, mod), 204);
        expectError(await api.get(`/guilds/${guild.id}`, helper), 403, 50001);
        expectError(await api.get(`/guilds/${guild.id}/members/${helper.user.id}`, mod), 404, 10007);
        expectError(await api.delete(`/guilds/${guild.id}/members/${helper.user.id}`, mod), 404, 10007);
      });

      test("without KICK_MEMBERS: 403 50013; outsiders 403 50001", async () => {
        const { guild } = await staffedGuild();
        expectError(await api.delete(`/guilds/${guild.id}/members/${plain.user.id}`, helper), 403, 50013);
        expectError(await api.delete(`/guilds/${guild.id}/members/${plain.user.id}`, outsider), 403, 50001);
      });

      test("a member ranked at or above the kicker, the owner, or oneself cannot be kicked; the owner kicks anyone", async () => {
        const { guild, mods, helpers } = await staffedGuild();
        const [peer] = await registerUsers(server, 1);
        await joinAll(api, owner, guild, [peer!]);
        await grantRole(api, owner, guild.id, peer!.user.id, mods.id);
        expectError(await api.delete(`/guilds/${guild.id}/members/${peer!.user.id}`, mod), 403, 50013);
        expectError(await api.delete(`/guilds/${guild.id}/members/${owner.user.id}`, mod), 403, 50013);
        expectError(await api.delete(`/guilds/${guild.id}/members/${mod.user.id}`, mod), 403, 50013);
        // Moving Helpers above Mods turns the tables.
        await moveRoles(api, owner, guild.id, [{ id: helpers.id, position: 5 }]);
        expectError(await api.delete(`/guilds/${guild.id}/members/${helper.user.id}`, mod), 403, 50013);
        expectStatus(await api.delete(`/guilds/${guild.id}/members/${mod.user.id}`, owner), 204);
        expectError(await api.delete(`/guilds/${guild.id}/members/${owner.user.id}`, owner), 403, 50013);
      });

      test("administrators are bound by the hierarchy too", async () => {
        const { guild, mods } = await staffedGuild();
        const admins = await createRole(api, owner, guild.id, { name: "Admins", permissions: bits("ADMINISTRATOR") });
        await grantRole(api, owner, guild.id, plain.user.id, admins.id);
        // Admins was created last at position 1: below Mods.
        expectError(await api.delete(`/guilds/${guild.id}/members/${mod.user.id}`, plain), 403, 50013);
        await moveRoles(api, owner, guild.id, [{ id: admins.id, position: 3 }]);
        expectStatus(await api.delete(`/guilds/${guild.id}/members/${mod.user.id}`, plain), 204);
        expect((await api.get<RoleBody[]>(`/guilds/${guild.id}/roles`, plain)).body.map((r) => r.id)).toContain(mods.id);
      });
    });
  });
}
