import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Application } from "./application";

/** A bot token as stored: the SHA-256 of the token, never the token. Its id plays the part of a session id. */
export interface BotTokenRecord {
  readonly id: Snowflake;
  readonly applicationId: Snowflake;
  readonly userId: Snowflake;
  readonly tokenHash: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** What authenticating a bot token needs in one read: the token and its application's current flags. */
export interface BotCredential {
  readonly token: BotTokenRecord;
  readonly flags: number;
}

/** Applications and their bot tokens. */
export interface ApplicationRepository {
  /** Inserts a new application. */
  insert(application: Application): Promise<void>;
  /** The application with this id, or null. */
  find(id: Snowflake): Promise<Application | null>;
  /** The application whose bot account is `botUserId`, or null. */
  findByBot(botUserId: Snowflake): Promise<Application | null>;
  /** The owner's applications, oldest first. */
  listByOwner(ownerId: Snowflake): Promise<Application[]>;
  /** How many applications the owner has. */
  countByOwner(ownerId: Snowflake): Promise<number>;
  /** Saves name, description and flags. */
  update(application: Application): Promise<void>;
  /** Makes `botUserId` the application's bot when it has none; false (nothing written) when it has one. */
  attachBot(applicationId: Snowflake, botUserId: Snowflake): Promise<boolean>;
  /** Stores a new bot token. */
  insertBotToken(token: BotTokenRecord): Promise<void>;
  /** Revokes every live token of the application; returns the revoked ones. */
  revokeBotTokens(applicationId: Snowflake, now: Date): Promise<BotTokenRecord[]>;
  /** The token with this id and its application's flags, revoked or not, or null. */
  findCredential(tokenId: Snowflake): Promise<BotCredential | null>;
  /** Tokens revoked at or after `since` (re-announced like revoked sessions). */
  listRevokedTokensSince(since: Date): Promise<Array<{ readonly id: Snowflake; readonly userId: Snowflake }>>;
  /** Deletes tokens revoked before `before`; returns how many went. */
  purgeRevokedTokens(before: Date): Promise<number>;
}
