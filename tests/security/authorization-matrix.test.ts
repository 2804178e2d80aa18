import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ACTORS, type Actor, type World, buildWorld } from "../support/authorization";
import { AUTHORIZATION_TABLE, type Row, expectedFor, grantFor } from "../support/authorization-table";
import { type GatewayClient, identify } from "../support/gateway";
import { apiClient, createGuild, expectStatus, generalOf, joinAll, registerUsers } from "../support/guild";
import { identityEnv } from "../support/identity";
import { overwriteMember, send } from "../support/message";
import { loadOperations, operationKey } from "../support/openapi";
import { MODES, type TestServer, startServer } from "../support/server";

/**
 * Every route × {anonymous, non-member, member lacking the permission, member holding it, banned, owner}, from the
 * one table in tests/support/authorization-table.ts (issue 9); and who the gateway dispatches a message to.
 */
for (const mode of MODES) {
  describe(`authorization matrix (${mode.name})`, () => {
    let server: TestServer;
    let world: World;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      world = await buildWorld(server);
    }, 60_000);
    afterAll(() => server.stop());

    test("the table has a row for every operation of the OpenAPI document, and none for routes that do not exist", async () => {
      const documented = (await loadOperations(server)).map(operationKey);
      const tabled = new Set(AUTHORIZATION_TABLE.map((row) => row.op));
      expect(documented.filter((op) => !tabled.has(op))).toEqual([]);
      expect([...tabled].filter((op) => !documented.includes(op))).toEqual([]);
    });

    const callAs = async (row: Row, actor: Actor) => {
      const user = actor === "anonymous" ? null : world.users[actor];
      const call = await row.call(world, actor, user);
      const as = call.as === undefined ? user : call.as;
      const response = await server.request(call.path, {
        method: row.op.split(" ")[0],
        ...(call.form ? { body: call.form } : call.body !== undefined ? { json: call.body } : {}),
        ...(as ? { token: as.access_token } : {}),
      });
      const text = await response.text();
      let code: number | undefined;
      try {
        code = (JSON.parse(text) as { code?: number }).code;
      } catch {}
      return { status: response.status, code };
    };

    test(`every row × ${ACTORS.join(", ")}: the status (and error code) the table gives`, async () => {
      const mismatches: string[] = [];
      let calls = 0;
      for (const row of AUTHORIZATION_TABLE) {
        await world.grant(grantFor(row));
        for (const actor of ACTORS) {
          const [status, code] = expectedFor(row, actor);
          const got = await callAs(row, actor);
          calls++;
          if (got.status !== status || (code !== undefined && got.code !== code)) {
            mismatches.push(`${row.op}${row.note ? ` (${row.note})` : ""} as ${actor}: expected ${status}${code ? ` ${code}` : ""}, got ${got.status} ${got.code ?? ""}`);
          }
        }
        await world.heal();
      }
      console.log(`authorization matrix (${mode.name}): ${AUTHORIZATION_TABLE.length} rows × ${ACTORS.length} actors = ${calls} calls`);
      expect(mismatches).toEqual([]);
    }, 180_000);
  });

  describe(`who the gateway dispatches a message to (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
    });
    afterAll(() => server.stop());

    test("members who see the channel get MESSAGE_CREATE; a member denied VIEW_CHANNEL, a stranger, the kicked and the banned do not", async () => {
      const api = apiClient(server);
      const [owner, viewer, hidden, kicked, banned, stranger] = await registerUsers(server, 6);
      const guild = await createGuild(api, owner);
      const channel = generalOf(guild).id;
      await joinAll(api, owner, guild, [viewer, hidden, kicked, banned]);
      await overwriteMember(api, owner, channel, hidden.user.id, { deny: ["VIEW_CHANNEL"] });
      const sessions: Record<string, GatewayClient> = {};
      for (const [name, user] of Object.entries({ viewer, hidden, kicked, banned, stranger })) sessions[name] = (await identify(server.url, user.access_token)).client;

      const first = await send(api, owner, channel, "first");
      for (const name of ["viewer", "kicked", "banned"]) await sessions[name]!.dispatch("MESSAGE_CREATE", (d) => d.id === first.id);

      expectStatus(await api.delete(`/guilds/${guild.id}/members/${kicked.user.id}`, owner), 204);
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${banned.user.id}`, owner, {}), 204);
      await sessions.kicked!.dispatch("GUILD_DELETE", (d) => d.id === guild.id);
      await sessions.banned!.dispatch("GUILD_DELETE", (d) => d.id === guild.id);
      const second = await send(api, owner, channel, "second");
      await sessions.viewer!.dispatch("MESSAGE_CREATE", (d) => d.id === second.id);

      // Each user's own profile change is the marker: a message meant for them would have been dispatched before it.
      for (const [name, user] of Object.entries({ hidden, kicked, banned, stranger })) {
        expectStatus(await api.patch("/users/@me", user, { display_name: `marker ${name}` }), 200);
        await sessions[name]!.dispatch("USER_UPDATE", (d) => d.display_name === `marker ${name}`);
      }
      const received = (name: string) => sessions[name]!.dispatches("MESSAGE_CREATE").map((frame) => frame.d.content);
      expect({ viewer: received("viewer"), hidden: received("hidden"), kicked: received("kicked"), banned: received("banned"), stranger: received("stranger") }).toEqual({
        viewer: ["first", "second"],
        hidden: [],
        kicked: ["first"],
        banned: ["first"],
        stranger: [],
      });
      for (const session of Object.values(sessions)) session.close();
    });
  });
}
