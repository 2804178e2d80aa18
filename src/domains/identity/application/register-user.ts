import { type User, checkPassword, normalizeEmail, normalizeUsername } from "../domain/user";
import { userCreated } from "../domain/user-events";
import { checkFields } from "../../../shared/kernel/field-checks";
import type { IdentityDeps } from "./identity-deps";
import { type ClientInfo, type TokenGrant, startSession } from "./session-tokens";

export interface RegisterUserInput extends ClientInfo {
  readonly username: string;
  readonly email: string;
  readonly password: string;
}

/** A user and the tokens of their new session. */
export interface Authenticated {
  readonly user: User;
  readonly tokens: TokenGrant;
}

/** Creates an account (USER_CREATED) and logs it in; CONFLICT when the username or email is taken. */
export const registerUser =
  (deps: Pick<IdentityDeps, "unitOfWork" | "hasher" | "signer" | "clock" | "ids">) =>
  async (input: RegisterUserInput): Promise<Authenticated> => {
    const fields = checkFields({
      username: () => normalizeUsername(input.username),
      email: () => normalizeEmail(input.email),
      password: () => checkPassword(input.password),
    });
    const passwordHash = await deps.hasher.hash(fields.password);
    const user: User = {
      id: deps.ids.next(),
      username: fields.username,
      displayName: null,
      avatar: null,
      bot: false,
      email: fields.email,
      createdAt: new Date(deps.clock.now()),
      deleted: false,
      mfaEnabled: false,
    };
    const tokens = await deps.unitOfWork(async (repositories) => {
      await repositories.users.insert(user, passwordHash, [userCreated(user)]);
      return startSession(deps, repositories, user.id, input);
    });
    return { user, tokens };
  };
