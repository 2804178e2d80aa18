import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import type { Caller } from "../domain/session";
import { requireHuman } from "./applications";
import type { IdentityDeps } from "./identity-deps";

/** Logs out one of the caller's sessions everywhere at once; UNKNOWN_SESSION for anyone else's or an unknown id. */
export const revokeSession =
  (deps: Pick<IdentityDeps, "repositories" | "revocations" | "clock">) =>
  async (caller: Caller, sessionId: Snowflake): Promise<void> => {
    requireHuman(caller);
    const revoked = isSnowflake(sessionId) && (await deps.repositories.sessions.revoke(sessionId, caller.userId, new Date(deps.clock.now())));
    if (!revoked) throw new DomainError(ErrorCode.UNKNOWN_SESSION, "Unknown Session");
    await deps.revocations.revoke([{ userId: caller.userId, sessionId }]);
  };
