import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A user's public profile, as messages show authors and mentions. */
export interface UserProfile {
  readonly id: Snowflake;
  readonly username: string;
  readonly displayName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  readonly createdAt: Date;
  readonly deleted: boolean;
}

/** Accounts, owned by the identity domain; implemented with its application API. */
export interface UserDirectory {
  /** The accounts with these ids (deleted ones as their placeholder); unknown ids are left out. */
  findUsers(ids: readonly Snowflake[]): Promise<UserProfile[]>;
}
