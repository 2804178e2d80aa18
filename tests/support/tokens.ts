import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT, decodeProtectedHeader } from "jose";
import { type TestUser, identityEnv, jwtKeyFiles, logIn, refresh } from "./identity";
import type { Mode, TestServer } from "./server";

/**
 * Access tokens a server must refuse, for every transport that takes one (REST, gateway IDENTIFY and RESUME, the
 * voice socket): forged, tampered, expired, malformed, and real tokens of sessions that were revoked.
 */
export interface TokenCase {
  readonly name: string;
  readonly token: string;
  /**
   * "malformed": not even shaped like a token the gateway's payload schemas accept (empty, over 2048 chars), so a
   * socket refuses it as a decode error (4002); "refused": a token-shaped string that fails authentication (4004).
   */
  readonly kind: "malformed" | "refused";
}

/** Env under which the server signs with the test process's key files (both modes), so tests can forge with them. */
export const tokenEnv = (mode: Mode, extra: Record<string, string> = {}): Record<string, string> => {
  const keys = jwtKeyFiles();
  return identityEnv(mode, { JWT_PRIVATE_KEY_FILE: keys.privateKey, JWT_PUBLIC_KEY_FILE: keys.publicKey, ...extra });
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

const partsOf = (token: string) => {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  return { header, payload, signature, claims: JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown> };
};

/**
 * Broken variants of `valid` (an access token the server issued, signed with jwtKeyFiles()); pure, no server calls.
 * Every one must be refused wherever a token is accepted.
 */
export const forgedTokens = async (valid: string, refreshToken: string): Promise<TokenCase[]> => {
  const { header, payload, signature, claims } = partsOf(valid);
  const kid = decodeProtectedHeader(valid).kid!;
  const keys = jwtKeyFiles();
  const serverKey = createPrivateKey(readFileSync(keys.privateKey, "utf8"));
  const strangerKey = generateKeyPairSync("ed25519").privateKey;
  const now = Math.floor(Date.now() / 1000);
  const sign = (body: Record<string, unknown>, options: { key?: Parameters<SignJWT["sign"]>[0]; alg?: string; kid?: string; typ?: string } = {}) =>
    new SignJWT(body)
      .setProtectedHeader({ alg: options.alg ?? "EdDSA", kid: options.kid ?? kid, typ: options.typ ?? "JWT" })
      .sign(options.key ?? serverKey);
  const flipped = signature.slice(0, -4) + (signature.endsWith("AAAA") ? "BBBB" : "AAAA");
  const { sid: _sid, ...withoutSid } = claims;
  const refused = (name: string, token: string): TokenCase => ({ name, token, kind: "refused" });
  return [
    refused("garbage", "not-a-jwt"),
    refused("two segments", `${header}.${payload}`),
    refused("payload tampered (another sub)", `${header}.${b64({ ...claims, sub: "1" })}.${signature}`),
    refused("payload tampered (expiry pushed back)", `${header}.${b64({ ...claims, exp: now + 365 * 86400 })}.${signature}`),
    refused("signature tampered", `${header}.${payload}.${flipped}`),
    refused("signature stripped", `${header}.${payload}.`),
    refused("alg none", `${b64({ alg: "none", typ: "JWT", kid })}.${payload}.`),
    refused("alg none with the original signature", `${b64({ alg: "none", typ: "JWT", kid })}.${payload}.${signature}`),
    refused("another Ed25519 key under the server's kid", await sign(claims, { key: strangerKey })),
    refused("unknown kid", await sign(claims, { kid: "not-a-key-we-know" })),
    refused("HS256 keyed with the server's public key", await sign(claims, { alg: "HS256", key: new TextEncoder().encode(readFileSync(keys.publicKey, "utf8")) })),
    refused("expired (right key)", await sign({ ...claims, iat: now - 3600, exp: now - 600 })),
    refused("not valid yet (right key, nbf in an hour)", await sign({ ...claims, nbf: now + 3600 })),
    refused("no session claim (right key)", await sign(withoutSid)),
    refused("sub not a snowflake (right key)", await sign({ ...claims, sub: "-1" })),
    refused("typ other than JWT (right key)", await sign(claims, { typ: "at+jwt" })),
    refused("the refresh token instead of the access token", refreshToken),
    { name: "empty", token: "", kind: "malformed" },
    { name: "over 2048 characters", token: `${valid}.${"A".repeat(2100)}`, kind: "malformed" },
  ];
};

/**
 * Real access tokens of `user` whose sessions were then ended: by logout, by DELETE /users/@me/sessions/{id} from
 * another device, and by reuse of a spent refresh token (which ends the whole token family). Each was valid first.
 */
export const revokedTokens = async (server: TestServer, user: TestUser): Promise<TokenCase[]> => {
  const api = (path: string, init: { method?: string; token: string }) => server.request(`/api/v1${path}`, init);
  const mustWork = async (token: string, what: string) => {
    const status = (await api("/users/@me", { token })).status;
    if (status !== 200) throw new Error(`${what}: token did not work before revocation (${status})`);
  };

  const loggedOut = await logIn(server, user.email, user.password);
  await mustWork(loggedOut.access_token, "logout");
  if ((await api("/auth/logout", { method: "POST", token: loggedOut.access_token })).status !== 204) throw new Error("logout failed");

  const [victim, other] = [await logIn(server, user.email, user.password), await logIn(server, user.email, user.password)];
  await mustWork(victim.access_token, "session delete");
  const sessions = (await (await api("/users/@me/sessions", { token: other.access_token })).json()) as Array<{ id: string }>;
  const victimSid = partsOf(victim.access_token).claims.sid as string;
  if (!sessions.some((session) => session.id === victimSid)) throw new Error("session delete: victim session not listed");
  if ((await api(`/users/@me/sessions/${victimSid}`, { method: "DELETE", token: other.access_token })).status !== 204) throw new Error("session delete failed");

  const family = await logIn(server, user.email, user.password);
  const rotated = (await (await refresh(server, family.refresh_token)).json()) as { access_token: string };
  await mustWork(rotated.access_token, "refresh reuse");
  if ((await refresh(server, family.refresh_token)).status !== 401) throw new Error("refresh reuse was not refused");

  return [
    { name: "revoked by logout", token: loggedOut.access_token, kind: "refused" },
    { name: "revoked by DELETE /users/@me/sessions/{id} from another device", token: victim.access_token, kind: "refused" },
    { name: "revoked by reuse of a spent refresh token (rotated access token)", token: rotated.access_token, kind: "refused" },
    { name: "revoked by reuse of a spent refresh token (original access token)", token: family.access_token, kind: "refused" },
  ];
};

/** Every token a transport must refuse: forged ones of `user`'s current token, and revoked ones of fresh sessions. */
export const tokenCases = async (server: TestServer, user: TestUser): Promise<TokenCase[]> => [
  ...(await forgedTokens(user.access_token, user.refresh_token)),
  ...(await revokedTokens(server, user)),
];
