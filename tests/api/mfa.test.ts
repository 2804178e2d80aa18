import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { Secret, TOTP } from "otpauth";
import { createManualClock } from "../../src/shared/kernel/clock";
import { identify } from "../support/gateway";
import { type AuthBody, type TestUser, identityEnv, logIn, meStatus, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";

interface Ticket {
  user_id: string;
  mfa: true;
  ticket: string;
  totp: true;
  backup: boolean;
  sms: false;
  webauthn: null;
}

interface BackupCodes {
  backup_codes: Array<{ user_id: string; code: string; consumed: boolean }>;
}

const STEP_MS = 30_000;
const freshIp = () => `10.${[...randomBytes(3)].join(".")}`;

for (const mode of MODES) {
  describe(`two-factor login (${mode.name})`, () => {
    // Whole steps from a step boundary, so "the next code" is always one step away.
    const clock = createManualClock(Math.floor(Date.now() / STEP_MS) * STEP_MS + 1000);
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode), { clock });
    });
    afterAll(() => server.stop());

    /** The code of `secret` at the server's time, from the same library the server uses. */
    const codeOf = (secret: string, offsetSteps = 0) =>
      TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: clock.now() + offsetSteps * STEP_MS });
    const post = (path: string, json: unknown, token?: string) =>
      server.request(`/api/v1${path}`, { method: "POST", json, ...(token ? { token } : {}) });
    const expectError = async (response: Response, status: number, code: number) => {
      const body = (await response.json()) as { code: number; message: string };
      expect({ status: response.status, code: body.code }).toEqual({ status, code });
      return body;
    };
    const passwordStep = async (user: TestUser): Promise<Ticket> => {
      const response = await post("/auth/login", { login: user.username, password: user.password });
      expect(response.status).toBe(200);
      return (await response.json()) as Ticket;
    };
    /** A registered user with two-factor login on: its secret and backup codes. */
    const enrolled = async () => {
      const user = await registerUser(server);
      const secret = new Secret({ size: 20 }).base32;
      const response = await post("/users/@me/mfa/totp/enable", { secret, code: codeOf(secret), password: user.password }, user.access_token);
      expect(response.status).toBe(200);
      const { backup_codes } = (await response.json()) as BackupCodes;
      // The enabling code's step is used up: the next login needs a later one.
      clock.advance(STEP_MS);
      return { user, secret, backupCodes: backup_codes.map((entry) => entry.code) };
    };

    test("enrolment: a server secret with its otpauth URI, checked with a current code and the password; ten backup codes once", async () => {
      const user = await registerUser(server);
      const other = await logIn(server, user.username, user.password);
      const { client } = await identify(server.url, user.access_token);
      const secretResponse = await server.request("/api/v1/users/@me/mfa/totp/secret", { token: user.access_token });
      expect(secretResponse.status).toBe(200);
      const { secret, uri } = (await secretResponse.json()) as { secret: string; uri: string };
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(uri).toStartWith("otpauth://totp/XCord:");
      expect(uri).toContain(`secret=${secret}`);

      const enable = (body: Record<string, unknown>) => post("/users/@me/mfa/totp/enable", body, user.access_token);
      await expectError(await enable({ secret, code: codeOf(secret, 3), password: user.password }), 400, 60008);
      await expectError(await enable({ secret: "not base32!", code: codeOf(secret), password: user.password }), 400, 60005);
      await expectError(await enable({ secret: "ABCDEFGH", code: codeOf(secret), password: user.password }), 400, 60005);
      const wrongPassword = await expectError(await enable({ secret, code: codeOf(secret), password: "wrong password" }), 400, 50035);
      expect(JSON.stringify(wrongPassword)).toContain("password");
      expect((await (await server.request("/api/v1/users/@me", { token: user.access_token })).json()) as object).toMatchObject({ mfa_enabled: false });

      // Spaces and lower case, as apps show secrets, are accepted; the code of the previous step still counts.
      const spaced = secret.toLowerCase().replace(/(.{4})/g, "$1 ");
      const response = await enable({ secret: spaced, code: codeOf(secret, -1), password: user.password });
      expect(response.status).toBe(200);
      const { backup_codes } = (await response.json()) as BackupCodes;
      expect(backup_codes).toHaveLength(10);
      expect(new Set(backup_codes.map((entry) => entry.code)).size).toBe(10);
      for (const entry of backup_codes) expect(entry).toEqual({ user_id: user.user.id, code: expect.stringMatching(/^[a-z0-9]{8}$/), consumed: false });

      const me = (await (await server.request("/api/v1/users/@me", { token: user.access_token })).json()) as Record<string, unknown>;
      expect(me.mfa_enabled).toBe(true);
      expect(JSON.stringify(me)).not.toContain(secret);
      // Neither the secret nor a backup code ever reaches a log line.
      expect(server.logs.join("\n")).not.toContain(secret);
      for (const entry of backup_codes) expect(server.logs.join("\n")).not.toContain(entry.code);
      // USER_UPDATE reaches the user's sessions; every other login session has ended.
      const update = await client.dispatch("USER_UPDATE", (d) => (d as { id: string }).id === user.user.id);
      expect(update.d).toMatchObject({ id: user.user.id, mfa_enabled: true });
      client.close();
      expect(await meStatus(server, other.access_token)).toBe(401);
      expect(await meStatus(server, user.access_token)).toBe(200);
      await expectError(await enable({ secret, code: codeOf(secret, 1), password: user.password }), 400, 60001);
    });

    test("login: the password step answers a ticket and no tokens; the ticket and a current code answer the session", async () => {
      const { user, secret } = await enrolled();
      const ticket = await passwordStep(user);
      expect(ticket).toEqual({ user_id: user.user.id, mfa: true, ticket: expect.any(String), totp: true, backup: true, sms: false, webauthn: null });
      expect(ticket).not.toHaveProperty("access_token");

      const response = await post("/auth/mfa/totp", { ticket: ticket.ticket, code: codeOf(secret) });
      expect(response.status).toBe(200);
      const auth = (await response.json()) as AuthBody & { user: { mfa_enabled: boolean } };
      expect(auth.user).toMatchObject({ id: user.user.id, mfa_enabled: true });
      expect(await meStatus(server, auth.access_token)).toBe(200);
      const { ready } = await identify(server.url, auth.access_token);
      expect(ready.user).toMatchObject({ id: user.user.id, mfa_enabled: true });

      // The ticket was used up, even with a code of the next step.
      await expectError(await post("/auth/mfa/totp", { ticket: ticket.ticket, code: codeOf(secret, 1) }), 400, 60006);
      // The same code again on a new ticket is a replay; so is the previous step's, which the window still covers.
      const second = await passwordStep(user);
      await expectError(await post("/auth/mfa/totp", { ticket: second.ticket, code: codeOf(secret) }), 400, 60008);
      await expectError(await post("/auth/mfa/totp", { ticket: second.ticket, code: codeOf(secret, -1) }), 400, 60008);
      clock.advance(STEP_MS);
      expect((await post("/auth/mfa/totp", { ticket: second.ticket, code: codeOf(secret) })).status).toBe(200);
    });

    test("tickets: unknown, expired after 5 minutes, and dead after 5 wrong codes", async () => {
      const { user, secret } = await enrolled();
      await expectError(await post("/auth/mfa/totp", { ticket: "no-such-ticket", code: codeOf(secret) }), 400, 60006);
      const late = await passwordStep(user);
      clock.advance(5 * 60_000 + 1000);
      await expectError(await post("/auth/mfa/totp", { ticket: late.ticket, code: codeOf(secret) }), 400, 60006);
      // The hourly purge deletes expired tickets.
      expect((await server.app.identity.purgeSessions()).mfaTickets).toBeGreaterThanOrEqual(1);

      const guessed = await passwordStep(user);
      for (const wrong of ["000000", "111111", "12345", "abc", "222222"]) {
        await expectError(await post("/auth/mfa/totp", { ticket: guessed.ticket, code: wrong }), 400, 60008);
      }
      await expectError(await post("/auth/mfa/totp", { ticket: guessed.ticket, code: codeOf(secret) }), 400, 60006);
      // A fresh ticket with the right code still works (5 failures are below the account's lockout).
      expect((await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: codeOf(secret) })).status).toBe(200);
    });

    test("a backup code logs in once; a second use is refused", async () => {
      const { user, backupCodes } = await enrolled();
      const [code] = backupCodes;
      // Dashes and upper case are ignored, as codes are often written down in groups.
      const written = `${code!.slice(0, 4).toUpperCase()}-${code!.slice(4)}`;
      expect((await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: written })).status).toBe(200);
      await expectError(await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: code! }), 400, 60008);
      expect((await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: backupCodes[1]! })).status).toBe(200);
    });

    test("10 wrong codes lock the account's two-factor checks for 15 minutes, the right code included", async () => {
      const { user, secret } = await enrolled();
      for (let ticket = 0; ticket < 2; ticket++) {
        const { ticket: value } = await passwordStep(user);
        for (let i = 0; i < 5; i++) await expectError(await post("/auth/mfa/totp", { ticket: value, code: String(100000 + ticket * 10 + i) }), 400, 60008);
      }
      const locked = await expectError(await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: codeOf(secret) }), 400, 60008);
      expect(locked.message).toContain("Too many wrong two-factor codes");
      // Disabling is locked too.
      await expectError(await post("/users/@me/mfa/totp/disable", { code: codeOf(secret, 1) }, user.access_token), 400, 60008);
      clock.advance(15 * 60_000 + 1000);
      expect((await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: codeOf(secret) })).status).toBe(200);
    });

    test("new backup codes take the password and void the old ones", async () => {
      const { user, backupCodes } = await enrolled();
      await expectError(await post("/users/@me/mfa/codes", { password: "wrong password" }, user.access_token), 400, 50035);
      const response = await post("/users/@me/mfa/codes", { password: user.password, regenerate: true }, user.access_token);
      expect(response.status).toBe(200);
      const fresh = ((await response.json()) as BackupCodes).backup_codes.map((entry) => entry.code);
      expect(fresh).toHaveLength(10);
      await expectError(await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: backupCodes[0]! }), 400, 60008);
      expect((await post("/auth/mfa/totp", { ticket: (await passwordStep(user)).ticket, code: fresh[0]! })).status).toBe(200);
      const plain = await registerUser(server);
      await expectError(await post("/users/@me/mfa/codes", { password: plain.password }, plain.access_token), 400, 60002);
    });

    test("disable takes a valid code; afterwards the password alone logs in again", async () => {
      const { user, secret, backupCodes } = await enrolled();
      await expectError(await post("/users/@me/mfa/totp/disable", { code: "000000" }, user.access_token), 400, 60008);
      const response = await post("/users/@me/mfa/totp/disable", { code: codeOf(secret) }, user.access_token);
      expect(response.status).toBe(204);
      expect((await (await server.request("/api/v1/users/@me", { token: user.access_token })).json()) as object).toMatchObject({ mfa_enabled: false });
      const login = await logIn(server, user.username, user.password);
      expect(login.access_token).toBeString();
      await expectError(await post("/users/@me/mfa/totp/disable", { code: backupCodes[0]! }, user.access_token), 400, 60002);
    });

    test("a backup code disables it too, and bodies out of shape are 400 50035", async () => {
      const { user, backupCodes } = await enrolled();
      expect((await post("/users/@me/mfa/totp/disable", { code: backupCodes[3]! }, user.access_token)).status).toBe(204);
      await expectError(await post("/auth/mfa/totp", { code: "123456" }), 400, 50035);
      await expectError(await post("/auth/mfa/totp", { ticket: "x".repeat(257), code: "123456" }), 400, 50035);
      await expectError(await post("/users/@me/mfa/totp/enable", { secret: "A".repeat(32), code: "123456", password: user.password, extra: 1 }, user.access_token), 400, 50035);
    });
  });
}

describe("two-factor rate limits (embedded)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODES[0]!, identityEnv(MODES[0]!, { RATE_LIMIT_SCALE: "1", TRUST_PROXY: "true" }));
  });
  afterAll(() => server.stop());

  test("/auth/mfa/totp allows 10 per minute per IP; the settings routes 5 per minute per user", async () => {
    const ip = freshIp();
    const attempt = () => server.request("/api/v1/auth/mfa/totp", { method: "POST", json: { ticket: "nope", code: "123456" }, headers: { "x-forwarded-for": ip } });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(400);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-ratelimit-bucket")).toBe("auth.mfa");

    const user = await registerUser(server, { headers: { "x-forwarded-for": freshIp() } });
    const disable = () => server.request("/api/v1/users/@me/mfa/totp/disable", { method: "POST", json: { code: "123456" }, token: user.access_token });
    for (let i = 0; i < 5; i++) expect((await disable()).status).toBe(400);
    expect((await disable()).status).toBe(429);
  });
});
