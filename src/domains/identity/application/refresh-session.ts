import type { Caller } from "../domain/session";
import { REFRESH_TOKEN_LIFETIME_MS, isLive } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";
import { type TokenGrant, grantFor, hashRefreshToken, newRefreshToken, unauthorized } from "./session-tokens";

type Outcome =
  | { readonly kind: "rotated"; readonly caller: Caller }
  | { readonly kind: "reused"; readonly revoked: Caller | null }
  | { readonly kind: "refused" };

/**
 * Trades a refresh token for a new pair. Tokens are single-use: the first use rotates; any later use is taken as
 * theft (OAuth 2.0 Security BCP, reuse detection) and revokes the whole session, so both holders are logged out.
 */
export const refreshSession =
  (deps: Pick<IdentityDeps, "unitOfWork" | "signer" | "revocations" | "clock">) =>
  async (refreshToken: string): Promise<TokenGrant> => {
    const now = new Date(deps.clock.now());
    const presented = hashRefreshToken(refreshToken);
    const next = newRefreshToken();
    const outcome = await deps.unitOfWork(async ({ sessions }): Promise<Outcome> => {
      // The conditional update is the lock: of two concurrent refreshes exactly one gets the session id.
      const sessionId = await sessions.consumeRefreshToken(presented, next.hash, now);
      if (sessionId !== null) {
        const session = await sessions.find(sessionId);
        if (!session || !isLive(session)) return { kind: "refused" };
        const expiresAt = new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS);
        await sessions.addRefreshToken({ tokenHash: next.hash, sessionId, expiresAt }, now);
        return { kind: "rotated", caller: { userId: session.userId, sessionId } };
      }
      const known = await sessions.findRefreshToken(presented);
      if (!known?.usedAt) return { kind: "refused" };
      const session = await sessions.find(known.sessionId);
      const revoked = session !== null && (await sessions.revoke(session.id, session.userId, now));
      return { kind: "reused", revoked: revoked ? { userId: session.userId, sessionId: session.id } : null };
    });
    if (outcome.kind === "reused" && outcome.revoked) await deps.revocations.revoke([outcome.revoked]);
    if (outcome.kind !== "rotated") throw unauthorized();
    return grantFor(deps.signer, outcome.caller.userId, outcome.caller.sessionId, next.token);
  };
