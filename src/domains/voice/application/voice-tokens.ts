import type { KeyValueStore } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** What a voice token stands for: this user, in this channel, joined from this gateway session. */
export interface VoiceTokenClaims {
  readonly userId: Snowflake;
  readonly guildId: Snowflake;
  readonly channelId: Snowflake;
  readonly gatewaySessionId: string;
}

export interface VoiceTokens {
  issue(claims: VoiceTokenClaims): Promise<string>;
  /** The claims of a live token, or null. A token can be used again (reconnects) until it expires. */
  redeem(token: string): Promise<VoiceTokenClaims | null>;
}

const TOKEN_BYTES = 32;
const keyOf = async (token: string) => {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
  return `voice:token:${Buffer.from(digest).toString("base64url")}`;
};

/**
 * Voice tokens: 256 random bits, kept in the key-value store (shared by every node) under their SHA-256 only, so a
 * dump of the store holds no usable token. The signaling socket also checks that the voice state still matches.
 */
export const kvVoiceTokens = (kv: KeyValueStore, ttlMs: number): VoiceTokens => ({
  async issue(claims) {
    const token = Buffer.from(crypto.getRandomValues(new Uint8Array(TOKEN_BYTES))).toString("base64url");
    await kv.set(await keyOf(token), JSON.stringify(claims), ttlMs);
    return token;
  },
  async redeem(token) {
    if (token.length === 0 || token.length > 128) return null;
    const raw = await kv.get(await keyOf(token));
    return raw ? (JSON.parse(raw) as VoiceTokenClaims) : null;
  },
});
