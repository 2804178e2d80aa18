import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** What a bot token's check needs, as the node keeps it: never the token, only its hash. */
export interface CachedBotCredential {
  readonly tokenId: Snowflake;
  readonly userId: Snowflake;
  readonly applicationId: Snowflake;
  readonly tokenHash: string;
  readonly flags: number;
}

/**
 * Live bot tokens by id, kept in the node: every REST call of a bot authenticates, and its token rarely changes. The
 * cache only saves the read; it never decides alone that a token is good. A hit is still checked against the
 * session revocations (a map lookup while the node hears them), so a reset token is refused at once on every node
 * even before its entry goes. Entries go when their token is revoked (every node hears it), when their application
 * changes (its flags: every node hears it through pub/sub, the changing node at once), and after `ttlMs` in any case.
 */
export interface BotCredentialCache {
  /** The entry of `tokenId`, or undefined. */
  get(tokenId: Snowflake): CachedBotCredential | undefined;
  /** The entry of `tokenId`, read with `load` on a miss; null (and nothing kept) when `load` finds no live token. */
  load(tokenId: Snowflake, load: () => Promise<CachedBotCredential | null>): Promise<CachedBotCredential | null>;
  /** Drops a token's entry. */
  forget(tokenId: Snowflake): void;
  /** Drops the entries of an application's tokens (its flags changed). */
  forgetApplication(applicationId: Snowflake): void;
}

interface Entry {
  readonly credential: CachedBotCredential;
  readonly expiresAt: number;
}

export const createBotCredentialCache = (options: { readonly clock: Clock; readonly ttlMs?: number; readonly maxEntries?: number }): BotCredentialCache => {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<Snowflake, Entry>();
  /** Bumped by every forget: a load that started before one must not keep what it read. */
  let generation = 0;

  const get = (tokenId: Snowflake): CachedBotCredential | undefined => {
    const entry = entries.get(tokenId);
    if (!entry) return undefined;
    if (entry.expiresAt > options.clock.now()) return entry.credential;
    entries.delete(tokenId);
    return undefined;
  };

  return {
    get,
    async load(tokenId, load) {
      const cached = get(tokenId);
      if (cached) return cached;
      const started = generation;
      const credential = await load();
      if (credential && started === generation) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(tokenId, { credential, expiresAt: options.clock.now() + ttlMs });
      }
      return credential;
    },
    forget(tokenId) {
      generation++;
      entries.delete(tokenId);
    },
    forgetApplication(applicationId) {
      generation++;
      for (const [tokenId, entry] of entries) if (entry.credential.applicationId === applicationId) entries.delete(tokenId);
    },
  };
};
