import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { RefreshTokenRecord, Session } from "./session";

/** A refresh token to store: the hash of its secret, its session and its expiry. */
export interface NewRefreshToken {
  readonly tokenHash: string;
  readonly sessionId: Snowflake;
  readonly expiresAt: Date;
}

/** Sessions and their refresh-token families; the revocation state here is the source of truth for refresh. */
export interface SessionRepository {
  /** Inserts a session with its first refresh token. */
  create(session: Session, refreshToken: NewRefreshToken): Promise<void>;
  /** The session with this id, or null. */
  find(id: Snowflake): Promise<Session | null>;
  /**
   * Marks an unused, unexpired token used and replaced by `replacedBy`, atomically: of concurrent callers exactly
   * one gets the session id, the others null.
   */
  consumeRefreshToken(tokenHash: string, replacedBy: string, now: Date): Promise<Snowflake | null>;
  /** The stored token with this hash, used or expired included, or null. */
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null>;
  /** Stores the next token of a session and records that the session was used now. */
  addRefreshToken(token: NewRefreshToken, now: Date): Promise<void>;
  /** The user's sessions that are not revoked and still hold a usable refresh token, newest first. */
  listLive(userId: Snowflake, now: Date): Promise<Session[]>;
  /** Revokes the session when it is the user's and live; false otherwise. */
  revoke(id: Snowflake, userId: Snowflake, now: Date): Promise<boolean>;
  /**
   * Deletes refresh tokens that expired before `now`, and sessions revoked or left without a usable token before
   * `deadBefore` (with their tokens); returns how many of each went.
   */
  purgeExpired(now: Date, deadBefore: Date): Promise<{ tokens: number; sessions: number }>;
  /** Sessions revoked at or after `since` (for re-announcing revocations the shared store may have missed). */
  listRevokedSince(since: Date): Promise<Array<{ readonly id: Snowflake; readonly userId: Snowflake }>>;
  /** Revokes every unrevoked session of the user except `keep`; returns the ids it revoked. */
  revokeAllOf(userId: Snowflake, now: Date, keep?: Snowflake): Promise<Snowflake[]>;
}
