import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { importPKCS8, importSPKI } from "jose";
import type { Config } from "./config";

export type JwtAlgorithm = "EdDSA" | "ES256" | "RS256" | "HS256";

/** A verification key with the one algorithm it may be used with (no HS/EdDSA confusion). */
export interface VerificationKey {
  readonly algorithm: JwtAlgorithm;
  readonly key: CryptoKey | Uint8Array;
}

export interface JwtKeys {
  /** Where the keys came from, for the start-up log. */
  readonly source: "secret" | "key-files" | "data-dir" | "memory";
  /** True when this start created DATA_DIR's key pair (the first start); false when it read an existing one. */
  readonly generated: boolean;
  readonly signing: VerificationKey & { readonly kid: string };
  /** Current and previous keys by kid. */
  readonly verification: ReadonlyMap<string, VerificationKey>;
}

/** `kid`: the first 16 base64url characters of a SHA-256, so rotations never collide in practice. */
const shortHash = (data: string | Buffer) => createHash("sha256").update(data).digest("base64url").slice(0, 16);

const algorithmOf = (publicPem: string, file: string): JwtAlgorithm => {
  const key = createPublicKey(publicPem);
  if (key.asymmetricKeyType === "ed25519") return "EdDSA";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ES256";
  if (key.asymmetricKeyType === "rsa") return "RS256";
  throw new Error(`${file}: unsupported JWT key type ${key.asymmetricKeyType}; use Ed25519, P-256 or RSA`);
};

const kidOf = (publicPem: string) => shortHash(createPublicKey(publicPem).export({ type: "spki", format: "der" }));

const fromPems = async (source: JwtKeys["source"], privatePem: string, publicPem: string, previous: string[] = []) => {
  const algorithm = algorithmOf(publicPem, "JWT_PUBLIC_KEY_FILE");
  const kid = kidOf(publicPem);
  const verification = new Map<string, VerificationKey>();
  for (const [index, pem] of previous.entries()) {
    const previousAlgorithm = algorithmOf(pem, `JWT_PREVIOUS_PUBLIC_KEY_FILES[${index}]`);
    verification.set(kidOf(pem), { algorithm: previousAlgorithm, key: await importSPKI(pem, previousAlgorithm) });
  }
  verification.set(kid, { algorithm, key: await importSPKI(publicPem, algorithm) });
  return { source, generated: false, signing: { kid, algorithm, key: await importPKCS8(privatePem, algorithm) }, verification } satisfies JwtKeys;
};

const generatePems = () => {
  const pair = generateKeyPairSync("ed25519");
  return {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
};

/** Reads DATA_DIR/jwt-keys.json, or creates it (mode 0600) atomically: a racing process reads the winner's file. */
const dataDirPems = (dataDir: string): { privateKey: string; publicKey: string; created: boolean } => {
  const path = join(dataDir, "jwt-keys.json");
  let created = false;
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, JSON.stringify(generatePems(), null, 2), { mode: 0o600 });
    try {
      linkSync(temporary, path);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  return { ...(JSON.parse(readFileSync(path, "utf8")) as { privateKey: string; publicKey: string }), created };
};

/**
 * The JWT keys from config: JWT_SECRET (HS256) when set; else the PEM key files (with earlier public keys for
 * rotation); else an Ed25519 pair generated once and kept in DATA_DIR (in memory for `memory://`).
 */
export const loadJwtKeys = async (jwt: Config["jwt"], dataDir: string): Promise<JwtKeys> => {
  if (jwt.secret !== undefined) {
    const key = new TextEncoder().encode(jwt.secret);
    const kid = shortHash(`xcord-hs256:${jwt.secret}`);
    return { source: "secret", generated: false, signing: { kid, algorithm: "HS256", key }, verification: new Map([[kid, { algorithm: "HS256", key }]]) };
  }
  if (jwt.privateKeyFile !== undefined && jwt.publicKeyFile !== undefined) {
    const read = (file: string) => readFileSync(file, "utf8");
    return fromPems("key-files", read(jwt.privateKeyFile), read(jwt.publicKeyFile), jwt.previousPublicKeyFiles.map(read));
  }
  if (dataDir === "memory://") {
    const pems = generatePems();
    return { ...(await fromPems("memory", pems.privateKey, pems.publicKey)), generated: true };
  }
  const pems = dataDirPems(dataDir);
  return { ...(await fromPems("data-dir", pems.privateKey, pems.publicKey)), generated: pems.created };
};
