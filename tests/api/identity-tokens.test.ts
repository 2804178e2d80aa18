import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { SignJWT, decodeProtectedHeader, importPKCS8 } from "jose";
import { type App, createApp } from "../../src/app";
import { createManualClock } from "../../src/shared/kernel/clock";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { type TestUser, identityEnv, jwtKeyFiles, meStatus, refresh, registerUser } from "../support/identity";
import { MODES, type TestServer, startServer } from "../support/server";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token: string) => {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  return { header, payload, signature, claims: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown> };
};

for (const mode of MODES) {
  describe(`access tokens (${mode.name})`, () => {
    let server: TestServer;
    let user: TestUser;
    let kid: string;
    beforeAll(async () => {
      // Key files in both modes, so that the test can sign with the server's own key.
      const keys = jwtKeyFiles();
      server = await startServer(mode, identityEnv(mode, { JWT_PRIVATE_KEY_FILE: keys.privateKey, JWT_PUBLIC_KEY_FILE: keys.publicKey }));
      user = await registerUser(server);
      kid = decodeProtectedHeader(user.access_token).kid!;
    });
    afterAll(() => server.stop());

    const expectRejected = async (token: string) => {
      const response = await server.request("/api/v1/users/@me", { token });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: 40001, message: "401: Unauthorized" });
    };

    const signWith = async (key: Parameters<SignJWT["sign"]>[0], alg: string, claims: Record<string, unknown>, keyId = kid) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid: keyId, typ: "JWT" }).sign(key);

    test("an access token carries sub, sid, jti, iat, exp (15 min) and a kid header", () => {
      const { claims } = parts(user.access_token);
      expect(claims.sub).toBe(user.user.id);
      expect(claims.sid).toMatch(/^[0-9]+$/);
      expect(claims.jti).toEqual(expect.any(String));
      expect((claims.exp as number) - (claims.iat as number)).toBe(900);
      expect(decodeProtectedHeader(user.access_token)).toMatchObject({ alg: "EdDSA", typ: "JWT", kid: expect.any(String) });
    });

    test("a well-signed token of the server's key works (the test signs like the server)", async () => {
      const key = await importPKCS8(readFileSync(jwtKeyFiles().privateKey, "utf8"), "EdDSA");
      const { claims } = parts(user.access_token);
      expect(await meStatus(server, await signWith(key, "EdDSA", claims))).toBe(200);
    });

    test("a tampered payload or signature is refused", async () => {
      const { header, payload, signature, claims } = parts(user.access_token);
      const other = await registerUser(server);
      await expectRejected(`${header}.${b64({ ...claims, sub: other.user.id })}.${signature}`);
      const flipped = signature.slice(0, -2) + (signature.endsWith("AA") ? "BB" : "AA");
      await expectRejected(`${header}.${payload}.${flipped}`);
    });

    test("alg none is refused", async () => {
      const { payload } = parts(user.access_token);
      await expectRejected(`${b64({ alg: "none", typ: "JWT", kid })}.${payload}.`);
    });

    test("a token signed with another key, or HS256 keyed with the public key, is refused", async () => {
      const { claims } = parts(user.access_token);
      const stranger = generateKeyPairSync("ed25519").privateKey;
      await expectRejected(await signWith(stranger, "EdDSA", claims));
      await expectRejected(await signWith(stranger, "EdDSA", claims, "someone-else"));
      const publicPem = new TextEncoder().encode(readFileSync(jwtKeyFiles().publicKey, "utf8"));
      await expectRejected(await signWith(publicPem, "HS256", claims));
    });

    test("a token of the right key without a session claim is refused", async () => {
      const key = await importPKCS8(readFileSync(jwtKeyFiles().privateKey, "utf8"), "EdDSA");
      const { sid: _, ...claims } = parts(user.access_token).claims;
      await expectRejected(await signWith(key, "EdDSA", claims));
    });
  });

  describe(`token expiry on a manual clock (${mode.name})`, () => {
    const clock = createManualClock(Date.now());
    let app: App;
    let server: TestServer;
    beforeAll(async () => {
      const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", NODE_ID: "7", ...mode.env, ...identityEnv(mode) });
      app = await createApp({ config, clock, logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }) });
      const url = app.listen();
      server = {
        url,
        app,
        logs: [],
        request: (path, init = {}) =>
          fetch(url + path, {
            method: init.method,
            headers: { ...(init.json ? { "content-type": "application/json" } : {}), ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
            body: init.json ? JSON.stringify(init.json) : undefined,
          }),
        stop: () => app.stop(),
      };
    });
    afterAll(() => app.stop());

    test("an access token stops working after 15 minutes; the refresh token still renews it, for 7 days", async () => {
      const user = await registerUser(server);
      expect(await meStatus(server, user.access_token)).toBe(200);
      clock.advance(16 * 60_000);
      expect(await meStatus(server, user.access_token)).toBe(401);
      const renewed = await refresh(server, user.refresh_token);
      expect(renewed.status).toBe(200);
      const pair = (await renewed.json()) as { access_token: string; refresh_token: string };
      expect(await meStatus(server, pair.access_token)).toBe(200);
      clock.advance(7 * 24 * 3600_000 + 60_000);
      expect((await refresh(server, pair.refresh_token)).status).toBe(401);
    });
  });
}
