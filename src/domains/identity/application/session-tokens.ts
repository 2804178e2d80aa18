import { createHash, randomBytes } from "node:crypto";
import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { IdentityRepositories } from "../domain/identity-unit-of-work";
import { REFRESH_TOKEN_LIFETIME_MS, sessionIp, sessionUserAgent } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";

/** What a client gets on login, registration and refresh. */
export interface TokenGrant {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Access token lifetime in seconds. */
  readonly expiresIn: number;
}

/** Where a login comes from, kept on the session so the user can recognise it. */
export interface ClientInfo {
  readonly userAgent?: string | null;
  readonly ip?: string | null;
}

/** SHA-256 of a refresh token: the only form in which the server stores it. */
export const hashRefreshToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** A new opaque refresh token: 256 random bits, base64url. */
export const newRefreshToken = (): { token: string; hash: string } => {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashRefreshToken(token) };
};

/** One 401 for every credential or token problem, so that failures tell an attacker nothing. */
export const unauthorized = (message = "401: Unauthorized"): DomainError<"UNAUTHORIZED"> =>
  new DomainError(ErrorCode.UNAUTHORIZED, message);

/** Signs the access token that goes with a refresh token of the session. */
export const grantFor = async (
  signer: IdentityDeps["signer"],
  userId: Snowflake,
  sessionId: Snowflake,
  refreshToken: string,
): Promise<TokenGrant> => ({
  accessToken: await signer.sign({ userId, sessionId }),
  refreshToken,
  expiresIn: Math.floor(signer.lifetimeMs / 1000),
});

/** Opens a new session for the user with its first refresh token; runs inside the caller's transaction. */
export const startSession = async (
  deps: Pick<IdentityDeps, "signer" | "clock" | "ids">,
  repositories: IdentityRepositories,
  userId: Snowflake,
  client: ClientInfo,
): Promise<TokenGrant> => {
  const now = new Date(deps.clock.now());
  const sessionId = deps.ids.next();
  const refresh = newRefreshToken();
  await repositories.sessions.create(
    {
      id: sessionId,
      userId,
      createdAt: now,
      lastUsedAt: now,
      userAgent: sessionUserAgent(client.userAgent),
      ip: sessionIp(client.ip),
      revokedAt: null,
    },
    { tokenHash: refresh.hash, sessionId, expiresAt: new Date(now.getTime() + REFRESH_TOKEN_LIFETIME_MS) },
  );
  return grantFor(deps.signer, userId, sessionId, refresh.token);
};
