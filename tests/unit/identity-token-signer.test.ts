import { afterAll, describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, decodeProtectedHeader } from "jose";
import { JoseTokenSigner } from "../../src/shared/infrastructure/jose-token-signer";
import { loadJwtKeys } from "../../src/shared/infrastructure/jwt-keys";
import { createManualClock } from "../../src/shared/kernel/clock";

const dir = mkdtempSync(join(tmpdir(), "xcord-signer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an Ed25519 (or other) key pair as PEM files; returns their paths. */
const keyPair = (name: string, type: "ed25519" | "ec" = "ed25519") => {
  const pair = type === "ec" ? generateKeyPairSync("ec", { namedCurve: "P-256" }) : generateKeyPairSync("ed25519");
  const privateKey = join(dir, `${name}.key.pem`);
  const publicKey = join(dir, `${name}.pub.pem`);
  writeFileSync(privateKey, pair.privateKey.export({ type: "pkcs8", format: "pem" }));
  writeFileSync(publicKey, pair.publicKey.export({ type: "spki", format: "pem" }));
  return { privateKey, publicKey };
};

const files = (pair: { privateKey: string; publicKey: string }, previous: string[] = []) => ({
  secret: undefined,
  privateKeyFile: pair.privateKey,
  publicKeyFile: pair.publicKey,
  previousPublicKeyFiles: previous,
});

const claims = { userId: "100", sessionId: "200" };
const clock = createManualClock(Date.UTC(2026, 10, 21, 12));
const signerFor = async (jwt: Parameters<typeof loadJwtKeys>[0]) => new JoseTokenSigner(await loadJwtKeys(jwt, "memory://"), clock);

describe("JoseTokenSigner", () => {
  const current = keyPair("current");

  test("round-trips the claims of a 15-minute EdDSA token with a kid", async () => {
    const signer = await signerFor(files(current));
    const token = await signer.sign(claims);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "EdDSA", typ: "JWT", kid: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/) });
    expect(await signer.verify(token)).toEqual({ ...claims, tokenId: expect.any(String), expiresAt: clock.now() + 15 * 60_000 });
  });

  test("refuses a token once expired (past the 5 s skew tolerance)", async () => {
    const signer = await signerFor(files(current));
    const token = await signer.sign(claims);
    clock.advance(15 * 60_000 + 4_000);
    expect(await signer.verify(token)).not.toBeNull();
    clock.advance(2_000);
    expect(await signer.verify(token)).toBeNull();
  });

  test("refuses tampered, unsigned, garbage and foreign tokens", async () => {
    const signer = await signerFor(files(current));
    const token = await signer.sign(claims);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "101" })).toString("base64url");
    expect(await signer.verify(`${header}.${forged}.${signature}`)).toBeNull();
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT", kid: decodeProtectedHeader(token).kid })).toString("base64url");
    expect(await signer.verify(`${none}.${payload}.`)).toBeNull();
    for (const garbage of ["", "a.b.c", "x".repeat(5000), token.slice(0, -1)]) expect(await signer.verify(garbage)).toBeNull();
    const stranger = await signerFor(files(keyPair("stranger")));
    expect(await signer.verify(await stranger.sign(claims))).toBeNull();
  });

  test("refuses HS256 keyed with the public key (algorithm confusion)", async () => {
    const signer = await signerFor(files(current));
    const kid = decodeProtectedHeader(await signer.sign(claims)).kid!;
    const confused = await new SignJWT({ sid: "200" })
      .setProtectedHeader({ alg: "HS256", kid, typ: "JWT" })
      .setSubject("100")
      .setJti("j")
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
      .sign(new TextEncoder().encode(readFileSync(current.publicKey, "utf8")));
    expect(await signer.verify(confused)).toBeNull();
  });

  test("rotation: tokens of a previous key verify by kid until that key is dropped", async () => {
    const old = await signerFor(files(current));
    const next = keyPair("next");
    const rotated = await signerFor(files(next, [current.publicKey]));
    const oldToken = await old.sign(claims);
    const newToken = await rotated.sign(claims);
    expect(decodeProtectedHeader(newToken).kid).not.toBe(decodeProtectedHeader(oldToken).kid);
    expect(await rotated.verify(oldToken)).not.toBeNull();
    expect(await rotated.verify(newToken)).not.toBeNull();
    expect(await old.verify(newToken)).toBeNull();
    const finished = await signerFor(files(next));
    expect(await finished.verify(oldToken)).toBeNull();
  });

  test("P-256 key files sign ES256", async () => {
    const signer = await signerFor(files(keyPair("ec", "ec")));
    const token = await signer.sign(claims);
    expect(decodeProtectedHeader(token).alg).toBe("ES256");
    expect(await signer.verify(token)).not.toBeNull();
  });

  test("JWT_SECRET signs HS256, and only accepts HS256", async () => {
    const secret = { secret: "s".repeat(40), privateKeyFile: undefined, publicKeyFile: undefined, previousPublicKeyFiles: [] };
    const signer = await signerFor(secret);
    const token = await signer.sign(claims);
    expect(decodeProtectedHeader(token).alg).toBe("HS256");
    expect(await signer.verify(token)).not.toBeNull();
    expect(await (await signerFor({ ...secret, secret: "t".repeat(40) })).verify(token)).toBeNull();
    const edToken = await (await signerFor(files(current))).sign(claims);
    expect(await signer.verify(edToken)).toBeNull();
  });
});

describe("zero-setup keys", () => {
  const none = { secret: undefined, privateKeyFile: undefined, publicKeyFile: undefined, previousPublicKeyFiles: [] };

  test("are generated once into DATA_DIR/jwt-keys.json (mode 0600) and reused on the next start", async () => {
    const dataDir = join(dir, "data");
    const first = await loadJwtKeys(none, dataDir);
    expect(first.source).toBe("data-dir");
    expect(statSync(join(dataDir, "jwt-keys.json")).mode & 0o777).toBe(0o600);
    const second = await loadJwtKeys(none, dataDir);
    expect(second.signing.kid).toBe(first.signing.kid);
    const token = await new JoseTokenSigner(first, clock).sign(claims);
    expect(await new JoseTokenSigner(second, clock).verify(token)).not.toBeNull();
  });

  test("live in memory only for memory://, fresh each time", async () => {
    const first = await loadJwtKeys(none, "memory://");
    const second = await loadJwtKeys(none, "memory://");
    expect(first.source).toBe("memory");
    expect(first.signing.kid).not.toBe(second.signing.kid);
  });
});
