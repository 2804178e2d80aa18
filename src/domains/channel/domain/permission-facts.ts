import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Channel } from "./channel";
import type { Overwrite } from "./overwrite";

/**
 * One user's stored facts in one guild: what their permissions there are computed from (permission-rules.ts).
 * Bitfields stay decimal text, exact on every driver.
 */
export interface GuildFacts {
  /** Null when the guild does not exist. */
  readonly ownerId: string | null;
  /** @everyone's permissions; null when the guild does not exist. */
  readonly everyone: string | null;
  readonly member: boolean;
  /** The member's roles other than @everyone. */
  readonly roles: readonly { id: string; permissions: string }[];
  /** The guild's MFA level is elevated and the user has no two-factor login (and is no bot). */
  readonly twoFactorMissing: boolean;
}

/** A channel with one user's facts in its guild (all null or empty for a DM). */
export interface ChannelFacts {
  readonly channel: Channel;
  readonly guild: GuildFacts;
  /** Threads: their parent's overwrites (a thread's permissions are its parent's) and whether the user is a member. */
  readonly thread?: { readonly parentOverwrites: readonly Overwrite[]; readonly member: boolean };
}

/** Reads the facts permissions are computed from; computes nothing. Callers pass checked snowflakes. */
export interface PermissionFacts {
  /** A channel and the user's facts in its guild, in one round trip; null when the channel does not exist. */
  channel(channelId: Snowflake, userId: Snowflake): Promise<ChannelFacts | null>;
  /** The user's facts in a guild; null when the guild does not exist. */
  guild(guildId: Snowflake, userId: Snowflake): Promise<GuildFacts | null>;
  /** Every channel of a guild (threads aside). */
  channelsOf(guildId: Snowflake): Promise<Channel[]>;
  /** True when the role belongs to the guild. */
  hasRole(guildId: Snowflake, roleId: Snowflake): Promise<boolean>;
  /** True when the user is a member of the guild. */
  hasMember(guildId: Snowflake, userId: Snowflake): Promise<boolean>;
  /** True when the custom emoji belongs to the guild. */
  hasEmoji(guildId: Snowflake, emojiId: Snowflake): Promise<boolean>;
}
