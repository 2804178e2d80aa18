import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestUser, identityEnv, logIn, meStatus, refresh, registerUser, uniqueUsername } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";
import { fieldErrors } from "../support/errors";

interface SessionBody {
  id: string;
  created_at: string;
  last_used_at: string;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
}

for (const mode of MODES) {
  describe(`identity users, sessions, password and deletion (${mode.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      alice = await registerUser(server);
    });
    afterAll(() => server.stop());

    const expectInvalid = async (response: Response, field: string) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: number; errors?: unknown };
      expect(body.code).toBe(50035);
      expect(Object.keys(fieldErrors(body))).toContain(field);
    };

    describe("profiles", () => {
      test("GET /users/@me includes the email; GET /users/{id} never does", async () => {
        const me = await server.request("/api/v1/users/@me", { token: alice.access_token });
        expect(await me.json()).toEqual(alice.user);
        const bob = await registerUser(server);
        const seen = await server.request(`/api/v1/users/${alice.user.id}`, { token: bob.access_token });
        expect(seen.status).toBe(200);
        const { email: _, mfa_enabled: __, ...publicAlice } = alice.user;
        expect(await seen.json()).toEqual(publicAlice);
      });

      test("GET /users/{id} of an unknown id is 404 10013; of a non-snowflake a 400", async () => {
        const unknown = await server.request("/api/v1/users/1", { token: alice.access_token });
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toMatchObject({ code: 10013 });
        await expectInvalid(await server.request("/api/v1/users/abc", { token: alice.access_token }), "id");
        // Twenty digits pass the pattern but overflow a bigint: unknown, never a 500.
        const overflow = await server.request("/api/v1/users/99999999999999999999", { token: alice.access_token });
        expect(overflow.status).toBe(404);
        const session = await server.request("/api/v1/users/@me/sessions/99999999999999999999", { method: "DELETE", token: alice.access_token });
        expect(session.status).toBe(404);
      });

      test("PATCH /users/@me changes username, display name and avatar", async () => {
        const user = await registerUser(server);
        const username = uniqueUsername("Renamed");
        const response = await server.request("/api/v1/users/@me", {
          method: "PATCH",
          token: user.access_token,
          json: { username, display_name: "  Rena  ", avatar: "https://cdn.example.test/a.png" },
        });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ username: username.toLowerCase(), display_name: "Rena", avatar: "https://cdn.example.test/a.png", email: user.email });
        const cleared = await server.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { display_name: null, avatar: null } });
        expect(await cleared.json()).toMatchObject({ display_name: null, avatar: null });
        const taken = await server.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { username: alice.username.toUpperCase() } });
        expect(taken.status).toBe(409);
        expect(await taken.json()).toMatchObject({ code: 40002, errors: { username: { _errors: expect.any(Array) } } });
      });

      test.each([
        ["username", { username: "no spaces" }],
        ["display_name", { display_name: "" }],
        ["display_name", { display_name: "x".repeat(33) }],
        ["avatar", { avatar: "javascript:alert(1)" }],
        ["password", { password: "short", current_password: "whatever it is" }],
        ["current_password", { password: "a new long password" }],
        ["current_password", { password: "a new long password", current_password: "not the password" }],
        ["nickname", { nickname: "unknown field" }],
      ])("PATCH /users/@me rejects a bad %s with 400 50035 (%j)", async (field, body) => {
        await expectInvalid(await server.request("/api/v1/users/@me", { method: "PATCH", token: alice.access_token, json: body }), field);
      });
    });

    const sessionsOf = async (token: string): Promise<SessionBody[]> => {
      const response = await server.request("/api/v1/users/@me/sessions", { token });
      expect(response.status).toBe(200);
      return (await response.json()) as SessionBody[];
    };

    test("GET /users/@me/sessions lists each device, newest first, marking the caller's", async () => {
      const user = await registerUser(server, { userAgent: "phone/1.0" });
      const laptop = await logIn(server, user.username, user.password, "laptop/2.0");
      const sessions = await sessionsOf(laptop.access_token);
      expect(sessions).toHaveLength(2);
      expect(sessions.map((session) => [session.user_agent, session.current])).toEqual([
        ["laptop/2.0", true],
        ["phone/1.0", false],
      ]);
      expect(sessions[0]).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
        user_agent: "laptop/2.0",
        ip: expect.stringContaining("127.0.0.1"),
        current: true,
      });
    });

    test("refresh moves last_used_at; a logged-out session leaves the list", async () => {
      const user = await registerUser(server);
      const [before] = await sessionsOf(user.access_token);
      await Bun.sleep(5);
      const pair = (await (await refresh(server, user.refresh_token)).json()) as { access_token: string };
      const [after] = await sessionsOf(pair.access_token);
      expect(after!.id).toBe(before!.id);
      expect(Date.parse(after!.last_used_at)).toBeGreaterThan(Date.parse(before!.last_used_at));
      const other = await logIn(server, user.username, user.password);
      await server.request("/api/v1/auth/logout", { method: "POST", token: other.access_token });
      expect((await sessionsOf(pair.access_token)).map((session) => session.id)).toEqual([before!.id]);
    });

    test("DELETE /users/@me/sessions/{id} logs that session out at once; others' or unknown ids are 404 10020", async () => {
      const user = await registerUser(server);
      const second = await logIn(server, user.username, user.password);
      const [newest] = await sessionsOf(user.access_token);
      expect(newest!.current).toBe(false);
      const stranger = await registerUser(server);
      const foreign = await server.request(`/api/v1/users/@me/sessions/${newest!.id}`, { method: "DELETE", token: stranger.access_token });
      expect(foreign.status).toBe(404);
      expect(await foreign.json()).toMatchObject({ code: 10020 });
      expect(await meStatus(server, second.access_token)).toBe(200);

      const revoked = await server.request(`/api/v1/users/@me/sessions/${newest!.id}`, { method: "DELETE", token: user.access_token });
      expect(revoked.status).toBe(204);
      expect(await meStatus(server, second.access_token)).toBe(401);
      expect((await refresh(server, second.refresh_token)).status).toBe(401);
      expect(await meStatus(server, user.access_token)).toBe(200);
      const unknown = await server.request("/api/v1/users/@me/sessions/12345", { method: "DELETE", token: user.access_token });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 10020 });
    });

    test("a password change needs the current password and logs out every other session, not this one", async () => {
      const user = await registerUser(server);
      const other = await logIn(server, user.username, user.password);
      const response = await server.request("/api/v1/users/@me", {
        method: "PATCH",
        token: user.access_token,
        json: { password: "a brand new password", current_password: user.password },
      });
      expect(response.status).toBe(200);
      expect(await meStatus(server, other.access_token)).toBe(401);
      expect((await refresh(server, other.refresh_token)).status).toBe(401);
      expect(await meStatus(server, user.access_token)).toBe(200);
      expect((await refresh(server, user.refresh_token)).status).toBe(200);
      const old = await server.request("/api/v1/auth/login", { method: "POST", json: { login: user.username, password: user.password } });
      expect(old.status).toBe(401);
      await logIn(server, user.username, "a brand new password");
    });

    test("account deletion: wrong password is a 400; then sessions end, login fails, the profile is a placeholder", async () => {
      const user = await registerUser(server);
      const other = await logIn(server, user.email, user.password);
      const viewer = await registerUser(server);
      const wrong = await server.request("/api/v1/users/@me", { method: "DELETE", token: user.access_token, json: { password: "not it at all" } });
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ code: 50035, errors: { password: { _errors: expect.any(Array) } } });

      const deleted = await server.request("/api/v1/users/@me", { method: "DELETE", token: user.access_token, json: { password: user.password } });
      expect(deleted.status).toBe(204);
      expect(await meStatus(server, user.access_token)).toBe(401);
      expect(await meStatus(server, other.access_token)).toBe(401);
      expect((await refresh(server, other.refresh_token)).status).toBe(401);
      for (const login of [user.username, user.email]) {
        const response = await server.request("/api/v1/auth/login", { method: "POST", json: { login, password: user.password } });
        expect(response.status).toBe(401);
      }
      const profile = await server.request(`/api/v1/users/${user.user.id}`, { token: viewer.access_token });
      expect(profile.status).toBe(200);
      const body = (await profile.json()) as Record<string, unknown>;
      expect(body).toEqual({
        id: user.user.id,
        username: `deleted_user_${user.user.id}`,
        display_name: "Deleted User",
        discriminator: "0",
        global_name: "Deleted User",
        avatar: null,
        bot: false,
        created_at: user.user.created_at,
      });
      expect(JSON.stringify(body)).not.toContain(user.email);
      // The name and the address are free again.
      await registerUser(server, { username: user.username, email: user.email });
    });
  });
}
