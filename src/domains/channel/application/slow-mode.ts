import type { RateLimiter } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserDirectory } from "../../../shared/kernel/users";
import { type SlowModeAction, type SlowModeScope, slowModeExempt, slowModeKey, slowModeRateLimited } from "../domain/slow-mode";

/** What slow mode reads: the node's shared rate limiter (Redis across nodes) and whether the caller is a bot. */
export interface SlowModeDeps {
  readonly rateLimiter: RateLimiter;
  readonly users: UserDirectory;
}

/**
 * Takes the member's one action of the current slow-mode window, or refuses with 429 20016 and `retry_after`. Called
 * once every other check of the action passed, so a refused or invalid request does not use the window up. The
 * window lives in the rate limiter, which every node shares, so a second node refuses the same member.
 */
export const enforceSlowMode = async (deps: SlowModeDeps, userId: Snowflake, scope: SlowModeScope, action: SlowModeAction): Promise<void> => {
  if (scope.seconds <= 0 || slowModeExempt(scope.permissions, scope.thread)) return;
  const [caller] = await deps.users.findUsers([userId]);
  if (caller?.bot) return;
  const decision = await deps.rateLimiter.consume(slowModeKey(scope, userId, action), { limit: 1, periodMs: scope.seconds * 1000 });
  if (!decision.allowed) throw slowModeRateLimited(decision.retryAfterMs);
};
