import type { Snowflake } from "./snowflake";

/** A user's public profile, as other domains show members, authors, mentions and DM recipients. */
export interface UserProfile {
  readonly id: Snowflake;
  readonly username: string;
  readonly displayName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  readonly createdAt: Date;
  readonly deleted: boolean;
}

/** Who is calling: the account and the session its access token belongs to (owned by the identity domain). */
export interface Caller {
  readonly userId: Snowflake;
  readonly sessionId: Snowflake;
}

/** Accounts, owned by the identity domain; other domains reach them through its application API. */
export interface UserDirectory {
  /** The accounts with these ids (deleted ones as their placeholder); unknown ids are left out. */
  findUsers(ids: readonly Snowflake[]): Promise<UserProfile[]>;
}

/** The User object of API.md, as events and responses carry it. */
export interface UserPayload {
  readonly id: Snowflake;
  readonly username: string;
  readonly display_name: string | null;
  /** Discord's libraries read it: always "0", Discord's value for accounts with unique usernames. */
  readonly discriminator: "0";
  /** Discord's name for `display_name`, the same value. */
  readonly global_name: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  readonly created_at: string;
}

export const userPayload = (user: UserProfile): UserPayload => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  discriminator: "0",
  global_name: user.displayName,
  avatar: user.avatar,
  bot: user.bot,
  created_at: user.createdAt.toISOString(),
});
