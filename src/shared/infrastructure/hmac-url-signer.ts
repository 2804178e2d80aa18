import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { UrlSigner } from "../../domains/message/domain/url-signer";

/** HMAC-SHA256 signatures, base64url; verification compares in constant time. */
export class HmacUrlSigner implements UrlSigner {
  constructor(private readonly key: Uint8Array) {}

  sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }

  verify(payload: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/**
 * The URL-signing key: 32 random bytes generated once into DATA_DIR/url-signing.key (mode 0600, created
 * atomically so racing processes agree), or fresh in memory for `memory://`. It sits beside the attachment files
 * it protects: nodes that share one DATA_DIR to serve each other's files share the key too.
 */
export const loadUrlSigningKey = (dataDir: string): Uint8Array => {
  if (dataDir === "memory://") return randomBytes(32);
  const path = join(dataDir, "url-signing.key");
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, randomBytes(32).toString("base64"), { mode: 0o600 });
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  return Buffer.from(readFileSync(path, "utf8").trim(), "base64");
};
