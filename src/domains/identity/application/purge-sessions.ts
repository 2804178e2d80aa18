import { ACCESS_TOKEN_LIFETIME_MS } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";

/** A dead session is kept this long after it died, so "revoked yesterday" still shows in support cases. */
const DEAD_SESSION_RETENTION_MS = 24 * 3600_000;

/**
 * Deletes what can no longer be used: refresh tokens past their expiry, and sessions revoked (or left without a
 * usable token) for a day. Used tokens that have not expired stay: they are what detects the reuse of a stolen
 * token. Deleting an expired one only means its late reuse gets a plain 401 instead of revoking its session.
 * Two-factor login tickets go once expired (used or not).
 */
export const purgeSessions =
  (deps: Pick<IdentityDeps, "repositories" | "clock">) =>
  async (): Promise<{ tokens: number; sessions: number; mfaTickets: number }> => {
    const now = deps.clock.now();
    // Past the retention, every access token of a dead session has long expired too.
    const deadBefore = new Date(now - Math.max(DEAD_SESSION_RETENTION_MS, ACCESS_TOKEN_LIFETIME_MS));
    const purged = await deps.repositories.sessions.purgeExpired(new Date(now), deadBefore);
    // Reset bot tokens are kept as long as dead sessions, then go the same way.
    const botTokens = await deps.repositories.applications.purgeRevokedTokens(deadBefore);
    const mfaTickets = await deps.repositories.mfa.purgeTickets(new Date(now));
    return { tokens: purged.tokens + botTokens, sessions: purged.sessions, mfaTickets };
  };
