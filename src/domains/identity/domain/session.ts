import type { Snowflake } from "../../../shared/kernel/snowflake";

/** One login on one device: the family of refresh tokens that rotate from it and the access tokens they mint. */
export interface Session {
  readonly id: Snowflake;
  readonly userId: Snowflake;
  readonly createdAt: Date;
  /** Login or the last refresh. */
  readonly lastUsedAt: Date;
  readonly userAgent: string | null;
  readonly ip: string | null;
  readonly revokedAt: Date | null;
}

/** A refresh token as stored: only the SHA-256 of the secret, never the secret. */
export interface RefreshTokenRecord {
  readonly tokenHash: string;
  readonly sessionId: Snowflake;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
}

/** Who is calling: the account and the session its access token belongs to. */
export type { Caller } from "../../../shared/kernel/users";

/** Access tokens are short-lived so that a missed revocation heals itself quickly. */
export const ACCESS_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Each refresh issues a new 7-day token, so an active device stays logged in. */
export const REFRESH_TOKEN_LIFETIME_MS = 7 * 24 * 3600_000;
export const USER_AGENT_MAX = 512;
const IP_MAX = 64;

/** The user agent as stored: at most 512 characters, null when absent. */
export const sessionUserAgent = (raw: string | null | undefined): string | null =>
  raw ? raw.slice(0, USER_AGENT_MAX) : null;

/** The client address as stored, null when unknown. */
export const sessionIp = (raw: string | null | undefined): string | null =>
  raw && raw !== "unknown" ? raw.slice(0, IP_MAX) : null;

/** A session whose tokens still work. */
export const isLive = (session: Pick<Session, "revokedAt">): boolean => session.revokedAt === null;
