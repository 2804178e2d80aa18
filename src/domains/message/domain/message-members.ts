import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A message author's membership, as Discord's partial `member` on guild message events shows it. */
export interface AuthorMembership {
  readonly nick: string | null;
  readonly joinedAt: Date;
  /** Role ids other than @everyone. */
  readonly roleIds: readonly Snowflake[];
}

/** What messages need to know of guild members and roles, which the guild domain owns. */
export interface MessageMembers {
  /** The user's membership in the guild of the channel; null for a DM or a non-member. One indexed read. */
  authorIn(channelId: Snowflake, userId: Snowflake): Promise<AuthorMembership | null>;
  /** Which of `ids` are roles of the guild (never @everyone), with whether anyone may mention them. */
  roles(guildId: Snowflake, ids: readonly Snowflake[]): Promise<{ id: Snowflake; mentionable: boolean }[]>;
}
