import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserCredentials } from "../domain/user";
import type { IdentityDeps } from "./identity-deps";

/**
 * The caller's account after re-checking their password (for sensitive changes). A wrong password is a 400 on
 * the field, as Discord does: a 401 would make clients drop a perfectly valid session.
 */
export const verifiedCredentials = async (
  deps: Pick<IdentityDeps, "repositories" | "hasher">,
  userId: Snowflake,
  password: string | undefined,
  field: string,
): Promise<UserCredentials> => {
  if (password === undefined || password === "") throw invalidField(field, "This field is required.");
  const credentials = await deps.repositories.users.findCredentialsById(userId);
  if (!credentials || credentials.user.deleted) throw new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");
  const matches = credentials.passwordHash !== null && (await deps.hasher.verify(password, credentials.passwordHash));
  if (!matches) throw invalidField(field, "Password does not match.");
  return credentials;
};
