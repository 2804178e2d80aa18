import type { Caller } from "../domain/session";
import { type User, checkPassword, normalizeAvatar, normalizeDisplayName, normalizeUsername } from "../domain/user";
import { userUpdated } from "../domain/user-events";
import { checkFields } from "../../../shared/kernel/field-checks";
import { getUser } from "./get-user";
import type { IdentityDeps } from "./identity-deps";
import { verifiedCredentials } from "./verify-password";

/** Fields left undefined stay as they are; null clears a nullable one. */
export interface UpdateCurrentUserInput {
  readonly username?: string;
  readonly displayName?: string | null;
  readonly avatar?: string | null;
  readonly password?: string;
  /** Required with `password`. */
  readonly currentPassword?: string;
}

/**
 * Changes the caller's profile (USER_UPDATED when something visible changed). A new password needs the current
 * one and logs out every other session of the user; the caller's own session stays.
 */
export const updateCurrentUser = (deps: Pick<IdentityDeps, "unitOfWork" | "repositories" | "hasher" | "revocations" | "clock">) => {
  const get = getUser(deps);
  return async (caller: Caller, input: UpdateCurrentUserInput): Promise<User> => {
    const fields = checkFields({
      username: () => (input.username === undefined ? undefined : normalizeUsername(input.username)),
      displayName: () => (input.displayName === undefined ? undefined : normalizeDisplayName(input.displayName)),
      avatar: () => (input.avatar === undefined ? undefined : normalizeAvatar(input.avatar)),
      password: () => (input.password === undefined ? undefined : checkPassword(input.password)),
    });
    const current =
      fields.password === undefined
        ? await get(caller.userId)
        : (await verifiedCredentials(deps, caller.userId, input.currentPassword, "current_password")).user;
    const passwordHash = fields.password === undefined ? undefined : await deps.hasher.hash(fields.password);
    const updated: User = {
      ...current,
      username: fields.username ?? current.username,
      displayName: fields.displayName === undefined ? current.displayName : fields.displayName,
      avatar: fields.avatar === undefined ? current.avatar : fields.avatar,
    };
    const visibleChange =
      updated.username !== current.username || updated.displayName !== current.displayName || updated.avatar !== current.avatar;
    const now = new Date(deps.clock.now());
    const revoked = await deps.unitOfWork(async ({ users, sessions }) => {
      await users.update(updated, visibleChange ? [userUpdated(updated)] : [], passwordHash);
      return passwordHash === undefined ? [] : sessions.revokeAllOf(caller.userId, now, caller.sessionId);
    });
    await deps.revocations.revoke(revoked.map((sessionId) => ({ userId: caller.userId, sessionId })));
    return updated;
  };
};
