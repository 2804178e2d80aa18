import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { WebhookTokens } from "../../domains/message/domain/webhook-repository";

/** 51 random bytes: a 68-character URL-safe token, the length of Discord's (tools check it), and as hard to guess as any key. */
const TOKEN_BYTES = 51;

const sha256 = (token: string) => createHash("sha256").update(token, "utf8").digest();

/**
 * Webhook tokens kept as SHA-256: the token has 408 bits of entropy, so a fast hash is enough (nothing to brute
 * force), and a stolen database holds no usable token. Comparison is in constant time.
 */
export class Sha256WebhookTokens implements WebhookTokens {
  issue(): { token: string; hash: string } {
    const token = randomBytes(TOKEN_BYTES).toString("base64url");
    return { token, hash: sha256(token).toString("hex") };
  }

  matches(token: string, hash: string): boolean {
    const expected = Buffer.from(hash, "hex");
    const given = sha256(token);
    return expected.length === given.length && timingSafeEqual(given, expected);
  }
}
