import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { User } from "../domain/user";
import type { IdentityDeps } from "./identity-deps";

/** Any account by id, deleted ones included (as their placeholder); UNKNOWN_USER otherwise. */
export const getUser =
  (deps: Pick<IdentityDeps, "repositories">) =>
  async (id: Snowflake): Promise<User> => {
    const user = await deps.repositories.users.find(id);
    if (!user) throw new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");
    return user;
  };
