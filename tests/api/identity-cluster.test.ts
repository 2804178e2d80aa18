import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { decodeJwt } from "jose";
import type { Caller } from "../../src/domains/identity/domain/session";
import { identityEnv, logIn, meStatus, registerUser } from "../support/identity";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const sessionOf = (accessToken: string) => String(decodeJwt(accessToken).sid);

describe("session revocation hook (embedded)", () => {
  const mode = modeNamed("embedded");
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(mode, identityEnv(mode));
  });
  afterAll(() => server.stop());

  test("onSessionRevoked hears a logout on this node until it is stopped", async () => {
    const heard: Caller[] = [];
    const stop = await server.app.identity.onSessionRevoked((revoked) => heard.push(revoked));
    const user = await registerUser(server);
    await server.request("/api/v1/auth/logout", { method: "POST", token: user.access_token });
    await waitFor(() => heard.length === 1, { what: "the revocation" });
    expect(heard[0]).toEqual({ userId: user.user.id, sessionId: sessionOf(user.access_token) });

    await stop();
    const again = await logIn(server, user.username, user.password);
    await server.request("/api/v1/auth/logout", { method: "POST", token: again.access_token });
    await Bun.sleep(50);
    expect(heard).toHaveLength(1);
  });

  test("authenticateToken resolves a raw token for the gateway and rejects a revoked one", async () => {
    const user = await registerUser(server);
    expect(await server.app.identity.authenticateToken(user.access_token)).toEqual({
      userId: user.user.id,
      sessionId: sessionOf(user.access_token),
    });
    await server.request("/api/v1/auth/logout", { method: "POST", token: user.access_token });
    await expect(server.app.identity.authenticateToken(user.access_token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(server.app.identity.authenticateToken("garbage")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("two nodes sharing Postgres and Redis (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startServer(mode, identityEnv(mode, { NODE_ID: "1" }));
    second = await startServer(mode, identityEnv(mode, { NODE_ID: "2" }));
  });
  afterAll(async () => {
    await first.stop();
    await second.stop();
  });

  test("a token issued on one node works on the other, and logout on one rejects it at once on both", async () => {
    const user = await registerUser(first);
    expect(await meStatus(second, user.access_token)).toBe(200);
    const logout = await first.request("/api/v1/auth/logout", { method: "POST", token: user.access_token });
    expect(logout.status).toBe(204);
    expect(await meStatus(second, user.access_token)).toBe(401);
    expect(await meStatus(first, user.access_token)).toBe(401);
  });

  test("a session revoked on the first node fires the listener of the second", async () => {
    const heard: Caller[] = [];
    const stop = await second.app.identity.onSessionRevoked((revoked) => heard.push(revoked));
    try {
      const user = await registerUser(first);
      const phone = await logIn(first, user.username, user.password);
      const sessionId = sessionOf(phone.access_token);
      const response = await first.request(`/api/v1/users/@me/sessions/${sessionId}`, { method: "DELETE", token: user.access_token });
      expect(response.status).toBe(204);
      const revoked = await waitFor(() => heard.find((entry) => entry.sessionId === sessionId), { what: "the revocation on node 2" });
      expect(revoked).toEqual({ userId: user.user.id, sessionId });
      expect(await meStatus(second, phone.access_token)).toBe(401);
    } finally {
      await stop();
    }
  });
});
