import { randomBytes } from "node:crypto";
import type { IdentityDeps } from "./identity-deps";
import type { Authenticated } from "./register-user";
import { type ClientInfo, startSession, unauthorized } from "./session-tokens";
import { type MfaChallenge, issueMfaTicket } from "./two-factor";

export interface LogInInput extends ClientInfo {
  /** An email address or a username. */
  readonly login: string;
  readonly password: string;
}

const INVALID_CREDENTIALS = "Invalid login or password.";

/**
 * Opens a session for the account whose email or username is `login`. An unknown login is checked against a
 * dummy hash made once at start, so that it costs as long as a wrong password and gets the same 401. An account
 * with two-factor login gets a ticket instead of a session, for completeMfaLogin.
 */
export const logIn = (deps: Pick<IdentityDeps, "repositories" | "unitOfWork" | "hasher" | "signer" | "clock" | "ids">) => {
  const dummyHash = deps.hasher.hash(randomBytes(24).toString("base64url"));
  // Awaited at the first unknown login; this keeps a failure from being an unhandled rejection meanwhile.
  dummyHash.catch(() => {});

  return async (input: LogInInput): Promise<Authenticated | MfaChallenge> => {
    const credentials = await deps.repositories.users.findCredentials(input.login.trim());
    const hash = credentials?.passwordHash ?? null;
    const matches = await deps.hasher.verify(input.password, hash ?? (await dummyHash));
    if (!credentials || hash === null || credentials.user.deleted || !matches) throw unauthorized(INVALID_CREDENTIALS);
    if (credentials.user.mfaEnabled) return issueMfaTicket(deps, credentials.user.id);
    const tokens = await deps.unitOfWork((repositories) => startSession(deps, repositories, credentials.user.id, input));
    return { user: credentials.user, tokens };
  };
};
