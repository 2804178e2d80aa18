import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Ban } from "./ban";
import type { Member } from "./member";

/** Guild memberships and the roles members hold. */
export interface MemberRepository {
  /** Inserts a membership; false (and nothing written) when the user already is a member. */
  insert(member: Member): Promise<boolean>;
  /** The membership, or null. */
  find(guildId: Snowflake, userId: Snowflake): Promise<Member | null>;
  /** Whether the guild MFA level leaves the user's permissions whole: they have two-factor login, or are a bot. */
  twoFactorReady(userId: Snowflake): Promise<boolean>;
  /** Members by ascending user id, after `after` when given. */
  list(guildId: Snowflake, page: { limit: number; after?: Snowflake }): Promise<Member[]>;
  /** Saves the nickname and replaces the role set. */
  update(member: Member): Promise<void>;
  /** Gives a member a role; false when they already held it. */
  addRole(guildId: Snowflake, userId: Snowflake, roleId: Snowflake): Promise<boolean>;
  /** Takes a role from a member; false when they did not hold it. */
  removeRole(guildId: Snowflake, userId: Snowflake, roleId: Snowflake): Promise<boolean>;
  /** Ends a membership; false when there was none. */
  delete(guildId: Snowflake, userId: Snowflake): Promise<boolean>;
  /** How many guilds the user is a member of. */
  countForUser(userId: Snowflake): Promise<number>;
  /** How many members the guild has. */
  count(guildId: Snowflake): Promise<number>;
}

/** Users banned from guilds. */
export interface BanRepository {
  /** The ban, or null. */
  find(guildId: Snowflake, userId: Snowflake): Promise<Ban | null>;
  /** The guild's bans, oldest first. */
  list(guildId: Snowflake): Promise<Ban[]>;
  /** Records a ban, replacing the reason of an existing one. */
  put(ban: Ban): Promise<void>;
  /** Lifts a ban; false when there was none. */
  delete(guildId: Snowflake, userId: Snowflake): Promise<boolean>;
}
