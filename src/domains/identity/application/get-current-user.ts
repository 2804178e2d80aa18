import type { Caller } from "../domain/session";
import type { User } from "../domain/user";
import { getUser } from "./get-user";
import type { IdentityDeps } from "./identity-deps";

/** The caller's own account, email included. */
export const getCurrentUser = (deps: Pick<IdentityDeps, "repositories">) => {
  const get = getUser(deps);
  return (caller: Caller): Promise<User> => get(caller.userId);
};
