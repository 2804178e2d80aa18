import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";
import type { User } from "../domain/user";
import type { IdentityDeps } from "./identity-deps";

/** Any account by id, deleted ones included (as their placeholder); UNKNOWN_USER otherwise. */
export const getUser =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (id: Snowflake): Promise<User> => {
    // An id outside the 64-bit range names no one; it must not reach the database as a bigint.
    const user = isSnowflake(id) ? await deps.repositories.users.find(id) : null;
    if (!user) throw new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");
    return user;
  };
