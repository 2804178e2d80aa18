import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Channel } from "./channel";
import type { Overwrite } from "./overwrite";

/** A channel with what one user may do in it. */
export interface ResolvedChannel {
  readonly channel: Channel;
  /** Null for DMs. */
  readonly guildId: Snowflake | null;
  /** Zero when the user may not see the channel: not a member of its guild, not a DM recipient, or no VIEW_CHANNEL. */
  readonly permissions: bigint;
  /** What the guild's MFA level withholds until the user turns two-factor login on (see computeGrant). */
  readonly withheld?: bigint;
  /** Threads: whether the user is a member of it. */
  readonly threadMember?: boolean;
}

/**
 * The permission hot path: every message send, read and reaction asks it. Implementations load owner, @everyone,
 * the member's roles and the channel's overwrites together and apply the guild domain's `computePermissions`.
 */
export interface PermissionResolver {
  /** The channel and the user's permissions in it, in one database round trip; null when the channel does not exist. */
  forChannel(userId: Snowflake, channelId: Snowflake): Promise<ResolvedChannel | null>;
  /**
   * The user's permissions in a channel of the guild that has these overwrites: for a channel known only from an
   * event (a deleted one). Zero for non-members.
   */
  inGuild(userId: Snowflake, guildId: Snowflake, overwrites: readonly Overwrite[]): Promise<bigint>;
  /** Every channel of a guild with the user's permissions in each. */
  channelsOf(userId: Snowflake, guildId: Snowflake): Promise<ResolvedChannel[]>;
}
