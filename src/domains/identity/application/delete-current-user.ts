import type { Caller } from "../domain/session";
import { anonymized } from "../domain/user";
import { userDeleted } from "../domain/user-events";
import { requireHuman } from "./applications";
import type { IdentityDeps } from "./identity-deps";
import { verifiedCredentials } from "./verify-password";

/**
 * Deletes the caller's account after re-checking the password (USER_DELETED): the row stays so history remains
 * readable, but name, email, password hash and two-factor secret are erased, and every session of the user ends at once.
 */
export const deleteCurrentUser =
  (deps: Pick<IdentityDeps, "unitOfWork" | "repositories" | "hasher" | "revocations" | "clock">) =>
  async (caller: Caller, password: string): Promise<void> => {
    requireHuman(caller);
    const { user } = await verifiedCredentials(deps, caller.userId, password, "password");
    const placeholder = anonymized(user);
    const now = new Date(deps.clock.now());
    const revoked = await deps.unitOfWork(async ({ users, sessions, mfa }) => {
      await users.update(placeholder, [userDeleted(placeholder)], null);
      // The TOTP secret and backup codes are personal data too.
      await mfa.disable(user.id, []);
      return sessions.revokeAllOf(user.id, now);
    });
    await deps.revocations.revoke(revoked.map((sessionId) => ({ userId: user.id, sessionId })));
  };
