import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A user's place in a guild, as far as channels need to know. */
export interface GuildStanding {
  readonly guildId: Snowflake;
  readonly ownerId: Snowflake;
  readonly member: boolean;
  /** Guild-wide permissions; zero for non-members. */
  readonly permissions: bigint;
  /** What the guild's MFA level withholds until the user turns two-factor login on (see computeGrant). */
  readonly withheld?: bigint;
}

/** What the channel domain needs to know of guilds, which the guild domain owns. */
export interface GuildAccess {
  /** The user's standing in the guild; null when the guild does not exist. */
  standing(guildId: Snowflake, userId: Snowflake): Promise<GuildStanding | null>;
  /** True when the role belongs to the guild. */
  hasRole(guildId: Snowflake, roleId: Snowflake): Promise<boolean>;
  /** True when the user is a member of the guild. */
  hasMember(guildId: Snowflake, userId: Snowflake): Promise<boolean>;
  /** True when the custom emoji belongs to the guild. */
  hasEmoji(guildId: Snowflake, emojiId: Snowflake): Promise<boolean>;
}
