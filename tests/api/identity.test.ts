import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AuthBody, type TestUser, identityEnv, logIn, meStatus, refresh, registerUser, uniqueUsername } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";
import { fieldErrors } from "../support/errors";

interface ErrorResponse {
  code: number;
  message: string;
  errors?: unknown;
}

for (const mode of MODES) {
  describe(`identity (${mode.name})`, () => {
    let server: TestServer;
    let alice: TestUser;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode));
      alice = await registerUser(server, { username: uniqueUsername("Alice") });
    });
    afterAll(() => server.stop());

    const post = (path: string, json: unknown, token?: string) =>
      server.request(`/api/v1${path}`, { method: "POST", json, ...(token ? { token } : {}) });
    const expectInvalid = async (response: Response, field: string) => {
      expect(response.status).toBe(400);
      const body = (await response.json()) as ErrorResponse;
      expect(body.code).toBe(50035);
      expect(Object.keys(fieldErrors(body))).toContain(field);
    };

    describe("register", () => {
      test("answers 201 with the user (lower-cased name, own email) and a token pair", async () => {
        const username = uniqueUsername("Bob");
        const user = await registerUser(server, { username, email: `${username}@Example.Test` });
        expect(user.user).toEqual({
          id: expect.stringMatching(/^[0-9]+$/),
          username: username.toLowerCase(),
          display_name: null,
          discriminator: "0",
          global_name: null,
          avatar: null,
          bot: false,
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          email: `${username}@Example.Test`,
          mfa_enabled: false,
        });
        expect(user.access_token.split(".")).toHaveLength(3);
        expect(user.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(user.expires_in).toBe(900);
      });

      test.each([
        ["username", { username: "a" }],
        ["username", { username: "x".repeat(33) }],
        ["username", { username: "bad name!" }],
        ["username", { username: "deleted_user_1" }],
        ["username", { username: 42 }],
        ["email", { email: "not-an-email" }],
        ["password", { password: "short" }],
        ["password", { password: "x".repeat(129) }],
        ["password", { password: undefined }],
      ])("rejects a bad %s: 400 50035 naming the field (%j)", async (field, override) => {
        const username = uniqueUsername();
        const body = { username, email: `${username}@example.test`, password: "long enough password", ...override };
        await expectInvalid(await post("/auth/register", body), field);
      });

      test("reports every bad field at once", async () => {
        const body = (await (await post("/auth/register", { username: "A!", email: "x", password: "p" })).json()) as ErrorResponse;
        expect(Object.keys(fieldErrors(body)).sort()).toEqual(["email", "password", "username"]);
      });

      test("rejects unknown fields and malformed JSON", async () => {
        const username = uniqueUsername();
        await expectInvalid(await post("/auth/register", { username, email: `${username}@example.test`, password: "long enough", admin: true }), "admin");
        const malformed = await server.request("/api/v1/auth/register", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"username": "x",',
        });
        expect(malformed.status).toBe(400);
        expect(((await malformed.json()) as ErrorResponse).code).toBe(50109);
      });

      test("refuses a body over 1 MiB with 413 40005", async () => {
        const username = uniqueUsername();
        const huge = await post("/auth/register", { username, email: `${username}@example.test`, password: "p".repeat(1024 * 1024 + 10) });
        expect(huge.status).toBe(413);
        expect(((await huge.json()) as ErrorResponse).code).toBe(40005);
      });

      test("a username or email taken in any case is a 409 40002 on that field", async () => {
        const upper = await post("/auth/register", { username: alice.username.toUpperCase(), email: `${uniqueUsername()}@example.test`, password: "long enough password" });
        expect(upper.status).toBe(409);
        expect(await upper.json()).toMatchObject({ code: 40002, errors: { username: { _errors: expect.any(Array) } } });
        const email = await post("/auth/register", { username: uniqueUsername(), email: alice.email.toUpperCase(), password: "long enough password" });
        expect(email.status).toBe(409);
        expect(await email.json()).toMatchObject({ code: 40002, errors: { email: { _errors: expect.any(Array) } } });
      });
    });

    describe("login", () => {
      test("works with the email (any case) and with the username (any case)", async () => {
        const byEmail = await logIn(server, alice.email.toUpperCase(), alice.password);
        expect(byEmail.user.id).toBe(alice.user.id);
        const byName = await logIn(server, alice.username.toUpperCase(), alice.password);
        expect(byName.user.id).toBe(alice.user.id);
        expect(byName.refresh_token).not.toBe(byEmail.refresh_token);
        expect(await meStatus(server, byName.access_token)).toBe(200);
      });

      test("a wrong password and an unknown user get the identical 401 40001 body", async () => {
        const wrong = await post("/auth/login", { login: alice.username, password: "wrong password" });
        const unknown = await post("/auth/login", { login: uniqueUsername(), password: "wrong password" });
        expect(wrong.status).toBe(401);
        expect(unknown.status).toBe(401);
        const wrongBody = await wrong.json();
        expect(wrongBody).toEqual(await unknown.json());
        expect(wrongBody).toMatchObject({ code: 40001 });
      });

      test("a missing field is a 400 naming it", async () => {
        await expectInvalid(await post("/auth/login", { login: alice.username }), "password");
      });
    });

    describe("refresh and logout", () => {
      test("refresh rotates: a new pair that works, and the old refresh token is spent", async () => {
        const session = await logIn(server, alice.username, alice.password);
        const rotated = await refresh(server, session.refresh_token);
        expect(rotated.status).toBe(200);
        const pair = (await rotated.json()) as Omit<AuthBody, "user">;
        expect(pair).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in: 900 });
        expect(pair.refresh_token).not.toBe(session.refresh_token);
        expect(await meStatus(server, pair.access_token)).toBe(200);
        const again = await refresh(server, pair.refresh_token);
        expect(again.status).toBe(200);
      });

      test("reusing a spent refresh token answers 401 and ends the whole session", async () => {
        const session = await logIn(server, alice.username, alice.password);
        const next = (await (await refresh(server, session.refresh_token)).json()) as AuthBody;
        const reuse = await refresh(server, session.refresh_token);
        expect(reuse.status).toBe(401);
        expect(await reuse.json()).toMatchObject({ code: 40001 });
        expect((await refresh(server, next.refresh_token)).status).toBe(401);
        expect(await meStatus(server, next.access_token)).toBe(401);
        expect(await meStatus(server, session.access_token)).toBe(401);
      });

      test("two concurrent refreshes of one token: exactly one 200 and one 401", async () => {
        const session = await logIn(server, alice.username, alice.password);
        const statuses = await Promise.all([refresh(server, session.refresh_token), refresh(server, session.refresh_token)]);
        expect(statuses.map((response) => response.status).sort()).toEqual([200, 401]);
      });

      test("an unknown refresh token is a 401; a missing one a 400", async () => {
        expect((await refresh(server, "A".repeat(43))).status).toBe(401);
        await expectInvalid(await post("/auth/refresh", {}), "refresh_token");
      });

      test("logout answers 204 and the access and refresh tokens stop working at once", async () => {
        const session = await logIn(server, alice.username, alice.password);
        expect(await meStatus(server, session.access_token)).toBe(200);
        const response = await post("/auth/logout", undefined, session.access_token);
        expect(response.status).toBe(204);
        expect(await meStatus(server, session.access_token)).toBe(401);
        expect((await refresh(server, session.refresh_token)).status).toBe(401);
        expect((await post("/auth/logout", undefined, session.access_token)).status).toBe(401);
      });
    });

    describe("authenticated routes", () => {
      test("refuse a missing or malformed Authorization header with 401 40001", async () => {
        for (const authorization of [undefined, "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.jwt", `Token ${alice.access_token}`]) {
          const response = await server.request("/api/v1/users/@me", { headers: authorization ? { authorization } : {} });
          expect(response.status).toBe(401);
          expect(await response.json()).toEqual({ code: 40001, message: "401: Unauthorized" });
        }
      });

      test("carry the global per-user rate-limit headers", async () => {
        const response = await server.request("/api/v1/users/@me", { token: alice.access_token });
        expect(response.headers.get("x-ratelimit-bucket")).toBe("global");
        expect(Number(response.headers.get("x-ratelimit-limit"))).toBe(50 * 1000);
      });
    });
  });
}
