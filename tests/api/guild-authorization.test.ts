import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";
import {
  type ApiClient,
  type GuildBody,
  type InviteBody,
  type RoleBody,
  createRole,
  expectError,
  expectStatus,
  generalOf,
  guildWith,
  setEveryone,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

/** One route: how to call it, and what a plain member lacks for it (null: membership is enough). */
interface RouteCase {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  readonly path: string;
  readonly body?: unknown;
  readonly needs: keyof typeof Permission | "owner" | null;
}

for (const mode of MODES) {
  describe(`guild and channel authorization (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let member: TestUser;
    let victim: TestUser;
    let outsider: TestUser;
    let banned: TestUser;
    let prebanned: TestUser;
    let guild: GuildBody;
    let role: RoleBody;
    let invite: InviteBody;
    let routes: RouteCase[];

    beforeAll(async () => {
      ({ server, api, users: [owner, member, victim, outsider, banned, prebanned] } = await startGuildServer(mode, 6));
      ({ guild } = await guildWith(api, owner, { members: [member, victim, banned] }));
      role = await createRole(api, owner, guild.id, { name: "Low" });
      invite = expectStatus(await api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, owner, {}), 201);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${banned.user.id}`, owner, {}), 204);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${prebanned.user.id}`, owner, {}), 204);
      // A plain member keeps VIEW_CHANNEL but lacks every permission a route below names.
      await setEveryone(api, owner, guild.id, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CREATE_INSTANT_INVITE & ~Permission.CHANGE_NICKNAME);
      const g = `/guilds/${guild.id}`;
      const c = `/channels/${generalOf(guild).id}`;
      routes = [
        { method: "GET", path: g, needs: null },
        { method: "PATCH", path: g, body: { name: "Taken over" }, needs: "MANAGE_GUILD" },
        { method: "DELETE", path: g, needs: "owner" },
        { method: "GET", path: `${g}/members`, needs: null },
        { method: "GET", path: `${g}/members/${owner.user.id}`, needs: null },
        { method: "PATCH", path: `${g}/members/${member.user.id}`, body: { nick: "me" }, needs: "CHANGE_NICKNAME" },
        { method: "PATCH", path: `${g}/members/${victim.user.id}`, body: { nick: "you" }, needs: "MANAGE_NICKNAMES" },
        { method: "PATCH", path: `${g}/members/${victim.user.id}`, body: { roles: [role.id] }, needs: "MANAGE_ROLES" },
        { method: "DELETE", path: `${g}/members/${victim.user.id}`, needs: "KICK_MEMBERS" },
        { method: "PUT", path: `${g}/members/${victim.user.id}/roles/${role.id}`, needs: "MANAGE_ROLES" },
        { method: "DELETE", path: `${g}/members/${victim.user.id}/roles/${role.id}`, needs: "MANAGE_ROLES" },
        { method: "GET", path: `${g}/roles`, needs: null },
        { method: "POST", path: `${g}/roles`, body: { name: "mine" }, needs: "MANAGE_ROLES" },
        { method: "PATCH", path: `${g}/roles`, body: [{ id: role.id, position: 2 }], needs: "MANAGE_ROLES" },
        { method: "PATCH", path: `${g}/roles/${role.id}`, body: { name: "mine" }, needs: "MANAGE_ROLES" },
        { method: "DELETE", path: `${g}/roles/${role.id}`, needs: "MANAGE_ROLES" },
        { method: "GET", path: `${g}/bans`, needs: "BAN_MEMBERS" },
        { method: "PUT", path: `${g}/bans/${victim.user.id}`, body: {}, needs: "BAN_MEMBERS" },
        { method: "DELETE", path: `${g}/bans/${prebanned.user.id}`, needs: "BAN_MEMBERS" },
        { method: "GET", path: `${g}/invites`, needs: "MANAGE_GUILD" },
        { method: "DELETE", path: `/invites/${invite.code}`, needs: "MANAGE_GUILD" },
        { method: "GET", path: `${g}/channels`, needs: null },
        { method: "POST", path: `${g}/channels`, body: { name: "mine" }, needs: "MANAGE_CHANNELS" },
        { method: "PATCH", path: `${g}/channels`, body: [{ id: generalOf(guild).id, position: 3 }], needs: "MANAGE_CHANNELS" },
        { method: "GET", path: c, needs: null },
        { method: "PATCH", path: c, body: { name: "mine" }, needs: "MANAGE_CHANNELS" },
        { method: "DELETE", path: c, needs: "MANAGE_CHANNELS" },
        { method: "PUT", path: `${c}/permissions/${role.id}`, body: { type: 0, allow: "0" }, needs: "MANAGE_ROLES" },
        { method: "DELETE", path: `${c}/permissions/${role.id}`, needs: "MANAGE_ROLES" },
        { method: "POST", path: `${c}/invites`, body: {}, needs: "CREATE_INSTANT_INVITE" },
      ];
    });
    afterAll(() => server.stop());

    const call = (route: RouteCase, as: TestUser) => {
      const verb = route.method.toLowerCase() as "get" | "post" | "patch" | "put" | "delete";
      return verb === "get" ? api.get(route.path, as) : api[verb](route.path, as, route.body);
    };
    const label = (route: RouteCase) => `${route.method} ${route.path.replace(/[0-9]{6,}/g, ":id")}`;

    test("a member without the named permission gets 403 50013 from every route that names one", async () => {
      for (const route of routes.filter((r) => r.needs !== null)) {
        const reply = await call(route, member);
        expect({ route: label(route), status: reply.status, code: (reply.body as { code?: number })?.code }).toEqual({
          route: label(route),
          status: 403,
          code: 50013,
        });
      }
    });

    test("a member reaches the routes that only need membership", async () => {
      for (const route of routes.filter((r) => r.needs === null)) {
        const reply = await call(route, member);
        expect({ route: label(route), status: reply.status }).toEqual({ route: label(route), status: 200 });
      }
    });

    test("a non-member gets 403 50001 from every route", async () => {
      for (const route of [...routes, { method: "DELETE", path: `/users/@me/guilds/${guild.id}`, needs: null } as RouteCase]) {
        const reply = await call(route, outsider);
        expect({ route: label(route), status: reply.status, code: (reply.body as { code?: number })?.code }).toEqual({
          route: label(route),
          status: 403,
          code: 50001,
        });
      }
    });

    test("a banned former member gets 403 50001 from every route, and cannot rejoin", async () => {
      for (const route of [...routes, { method: "DELETE", path: `/users/@me/guilds/${guild.id}`, needs: null } as RouteCase]) {
        const reply = await call(route, banned);
        expect({ route: label(route), status: reply.status, code: (reply.body as { code?: number })?.code }).toEqual({
          route: label(route),
          status: 403,
          code: 50001,
        });
      }
      expectError(await api.post(`/invites/${invite.code}`, banned), 403, 50013);
    });

    test("unknown guilds are 404 10004, unknown channels 404 10003, for members and strangers alike", async () => {
      for (const as of [member, outsider]) {
        for (const route of routes) {
          const path = route.path.replace(guild.id, "1").replace(generalOf(guild).id, "2");
          if (path.startsWith("/invites/")) continue;
          const reply = await call({ ...route, path }, as);
          const expected = path.startsWith("/channels/") ? 10003 : 10004;
          expect({ route: label(route), status: reply.status, code: (reply.body as { code?: number })?.code }).toEqual({
            route: label(route),
            status: 404,
            code: expected,
          });
        }
      }
    });

    test("every route wants a token: 401 40001 without one (invite preview aside)", async () => {
      for (const route of routes) {
        const response = await server.request(`/api/v1${route.path}`, { method: route.method, json: route.body });
        expect({ route: label(route), status: response.status }).toEqual({ route: label(route), status: 401 });
      }
      expectStatus(await api.get(`/invites/${invite.code}`), 200);
    });
  });
}
