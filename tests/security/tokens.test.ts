import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type GuildBody, apiClient, createGuild, generalOf } from "../support/guild";
import { connectGateway, identify } from "../support/gateway";
import { type TestUser, logIn, refresh, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";
import { type TokenCase, tokenCases, tokenEnv } from "../support/tokens";

/**
 * Hostile tokens (issue 9) on every transport that takes one. tests/api/identity-tokens.test.ts checks the forged
 * ones on GET /users/@me; here the same generator's cases, plus revoked sessions, go to routes of every domain and
 * to the gateway's IDENTIFY and RESUME, and revocation closes live sockets.
 */
for (const mode of MODES) {
  describe(`hostile tokens on REST and the gateway (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let user: TestUser;
    let guild: GuildBody;
    let cases: TokenCase[];
    beforeAll(async () => {
      server = await startServer(mode, tokenEnv(mode));
      api = apiClient(server);
      user = await registerUser(server);
      guild = await createGuild(api, user);
      cases = await tokenCases(server, user);
    });
    afterAll(() => server.stop());

    test("the generator covers forgery, tampering, alg none, key confusion, expiry, malformed and revoked tokens", () => {
      expect(cases.length).toBeGreaterThanOrEqual(20);
      for (const attack of ["alg none", "tampered", "another Ed25519 key", "HS256", "expired", "logout", "refresh token", "empty"]) {
        expect(cases.some((tokenCase) => tokenCase.name.includes(attack))).toBe(true);
      }
    });

    test("REST: every case gets 401 40001 on routes of every domain, and changes nothing", async () => {
      const channel = generalOf(guild).id;
      const routes: Array<{ method: string; path: string; json?: unknown }> = [
        { method: "GET", path: "/users/@me" },
        { method: "GET", path: "/users/@me/guilds" },
        { method: "PATCH", path: "/users/@me", json: { display_name: "pwned" } },
        { method: "GET", path: `/guilds/${guild.id}` },
        { method: "PATCH", path: `/guilds/${guild.id}`, json: { name: "pwned" } },
        { method: "GET", path: `/channels/${channel}/messages` },
        { method: "POST", path: `/channels/${channel}/messages`, json: { content: "pwned" } },
        { method: "POST", path: "/auth/logout" },
      ];
      const wrong: string[] = [];
      for (const tokenCase of cases) {
        for (const route of routes) {
          const headers = tokenCase.token ? { authorization: `Bearer ${tokenCase.token}` } : { authorization: "Bearer " };
          const response = await server.request(`/api/v1${route.path}`, { method: route.method, json: route.json, headers });
          const body = (await response.json().catch(() => undefined)) as { code?: number } | undefined;
          if (response.status !== 401 || body?.code !== 40001) wrong.push(`${tokenCase.name}: ${route.method} ${route.path} → ${response.status} ${body?.code}`);
        }
      }
      expect(wrong).toEqual([]);
      const me = await api.get<{ display_name: string | null }>("/users/@me", user);
      expect(me.body.display_name).not.toBe("pwned");
      expect((await api.get<GuildBody>(`/guilds/${guild.id}`, user)).body.name).not.toBe("pwned");
      expect((await api.get<unknown[]>(`/channels/${channel}/messages`, user)).body).toEqual([]);
    });

    const gatewayCode = (tokenCase: TokenCase) => (tokenCase.kind === "malformed" ? 4002 : 4004);

    test("gateway IDENTIFY: every case closes with 4004 (4002 when not token-shaped), never READY", async () => {
      const outcomes = await Promise.all(
        cases.map(async (tokenCase) => {
          const client = await connectGateway(server.url);
          client.send({ op: 2, d: { token: tokenCase.token } });
          const { code } = await client.closed();
          return { name: tokenCase.name, code, ready: client.dispatches("READY").length };
        }),
      );
      expect(outcomes).toEqual(cases.map((tokenCase) => ({ name: tokenCase.name, code: gatewayCode(tokenCase), ready: 0 })));
    });

    test("gateway RESUME: every case closes with 4004 (4002 when not token-shaped); the session stays resumable by its owner", async () => {
      const { client, ready } = await identify(server.url, user.access_token);
      client.close();
      await client.closed();
      const outcomes = [];
      for (const tokenCase of cases) {
        const thief = await connectGateway(server.url);
        thief.send({ op: 6, d: { token: tokenCase.token, session_id: ready.session_id, seq: 1 } });
        const { code } = await thief.closed();
        outcomes.push({ name: tokenCase.name, code, resumed: thief.dispatches("RESUMED").length });
      }
      expect(outcomes).toEqual(cases.map((tokenCase) => ({ name: tokenCase.name, code: gatewayCode(tokenCase), resumed: 0 })));
      const owner = await connectGateway(server.url);
      owner.send({ op: 6, d: { token: user.access_token, session_id: ready.session_id, seq: 1 } });
      await owner.dispatch("RESUMED");
      owner.close();
    });

    test("gateway RESUME with a valid token of another session of the same user: INVALID_SESSION false", async () => {
      const { client, ready } = await identify(server.url, user.access_token);
      client.close();
      const other = await logIn(server, user.email, user.password);
      const intruder = await connectGateway(server.url);
      intruder.send({ op: 6, d: { token: other.access_token, session_id: ready.session_id, seq: 1 } });
      expect((await intruder.next((frame) => frame.op === 9, "INVALID_SESSION")).d).toBe(false);
      expect(intruder.dispatches("RESUMED")).toEqual([]);
      intruder.close();
    });

    test("a live gateway session is closed with 4004 when refresh-token reuse ends its session, and cannot resume", async () => {
      const session = await logIn(server, user.email, user.password);
      const { client, ready } = await identify(server.url, session.access_token);
      const rotated = (await (await refresh(server, session.refresh_token)).json()) as { access_token: string };
      expect((await refresh(server, session.refresh_token)).status).toBe(401);
      expect((await client.closed()).code).toBe(4004);
      const again = await connectGateway(server.url);
      again.send({ op: 6, d: { token: rotated.access_token, session_id: ready.session_id, seq: 1 } });
      expect((await again.closed()).code).toBe(4004);
    });

    test("a live gateway session is closed with 4004 when another device deletes its session", async () => {
      const [victim, other] = [await logIn(server, user.email, user.password), await logIn(server, user.email, user.password)];
      const { client } = await identify(server.url, victim.access_token);
      const sid = JSON.parse(Buffer.from(victim.access_token.split(".")[1]!, "base64url").toString()).sid as string;
      expect((await server.request(`/api/v1/users/@me/sessions/${sid}`, { method: "DELETE", token: other.access_token })).status).toBe(204);
      expect((await client.closed()).code).toBe(4004);
    });
  });
}
