import { describe, expect, test } from "bun:test";
import { authenticate } from "../../src/domains/identity/application/authenticate";
import { createBotCredentialCache } from "../../src/domains/identity/application/bot-credential-cache";
import { hashRefreshToken, newRefreshToken } from "../../src/domains/identity/application/session-tokens";
import type { Caller } from "../../src/domains/identity/domain/session";
import { sessionIp, sessionUserAgent } from "../../src/domains/identity/domain/session";
import { ARGON2ID, BunPasswordHasher } from "../../src/shared/infrastructure/bun-password-hasher";
import { JoseTokenSigner } from "../../src/shared/infrastructure/jose-token-signer";
import { loadJwtKeys } from "../../src/shared/infrastructure/jwt-keys";
import { KvSessionRevocations, SESSION_REVOKED_TOPIC } from "../../src/shared/infrastructure/kv-session-revocations";
import { MemoryKeyValueStore } from "../../src/shared/infrastructure/memory/memory-key-value-store";
import { MemoryPubSub } from "../../src/shared/infrastructure/memory/memory-pub-sub";
import { systemClock } from "../../src/shared/kernel/clock";

const noKeys = { secret: undefined, privateKeyFile: undefined, publicKeyFile: undefined, previousPublicKeyFiles: [] };
const alice: Caller = { userId: "1", sessionId: "10" };

describe("refresh tokens", () => {
  test("are 256 random bits in base64url, stored only as their SHA-256", () => {
    const { token, hash } = newRefreshToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(hashRefreshToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(newRefreshToken().token).not.toBe(token);
  });

  test("sessions keep at most 512 characters of user agent and no placeholder ip", () => {
    expect(sessionUserAgent("x".repeat(600))).toHaveLength(512);
    expect(sessionUserAgent(null)).toBeNull();
    expect(sessionIp("unknown")).toBeNull();
    expect(sessionIp("::1")).toBe("::1");
  });
});

describe("KvSessionRevocations on the memory twins", () => {
  const setup = () => {
    const kv = new MemoryKeyValueStore();
    const pubSub = new MemoryPubSub();
    return { kv, pubSub, revocations: new KvSessionRevocations(kv, pubSub, 15 * 60_000) };
  };

  test("a revoked session is remembered for the access-token lifetime plus a margin", async () => {
    const { kv, revocations } = setup();
    expect(await revocations.isRevoked(alice.sessionId)).toBe(false);
    await revocations.revoke([alice]);
    expect(await revocations.isRevoked(alice.sessionId)).toBe(true);
    expect(await revocations.isRevoked("11")).toBe(false);
    const ttl = await kv.ttl(`revoked-session:${alice.sessionId}`);
    expect(ttl).toBeGreaterThan(15 * 60_000);
    expect(ttl).toBeLessThanOrEqual(16 * 60_000);
  });

  test("listeners hear each revocation as {userId, sessionId}, published as {user_id, session_id}", async () => {
    const { pubSub, revocations } = setup();
    const heard: Caller[] = [];
    const raw: string[] = [];
    const stop = await revocations.onRevoked((revoked) => heard.push(revoked));
    await pubSub.subscribe(SESSION_REVOKED_TOPIC, (message) => raw.push(message));
    await revocations.revoke([alice, { userId: "1", sessionId: "12" }]);
    await Bun.sleep(0);
    expect(heard).toEqual([alice, { userId: "1", sessionId: "12" }]);
    expect(JSON.parse(raw[0]!)).toEqual({ user_id: "1", session_id: "10" });
    await pubSub.publish(SESSION_REVOKED_TOPIC, "not json");
    await stop();
    await revocations.revoke([alice]);
    await Bun.sleep(0);
    expect(heard).toHaveLength(2);
  });

  test("authenticate accepts a valid token and refuses it once its session is revoked", async () => {
    const { revocations } = setup();
    const signer = new JoseTokenSigner(await loadJwtKeys(noKeys, "memory://"), systemClock);
    const check = authenticate({ signer, revocations, repositories: { applications: { findCredential: async () => null } }, botCredentials: createBotCredentialCache({ clock: systemClock }) });
    const token = await signer.sign(alice);
    expect(await check(token)).toEqual(alice);
    await revocations.revoke([alice]);
    await expect(check(token)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(check("nonsense")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("BunPasswordHasher", () => {
  const hasher = new BunPasswordHasher();

  test("hashes with argon2id at 19 MiB, t=2, p=1 and verifies", async () => {
    expect(ARGON2ID).toEqual({ algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 });
    const hash = await hasher.hash("correct horse battery");
    expect(hash).toStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
    expect(await hasher.verify("correct horse battery", hash)).toBe(true);
    expect(await hasher.verify("correct horse batterY", hash)).toBe(false);
  });

  test("a malformed stored hash fails closed", async () => {
    expect(await hasher.verify("anything", "not-a-hash")).toBe(false);
  });
});
