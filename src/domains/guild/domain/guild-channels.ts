import type { Snowflake } from "../../../shared/kernel/snowflake";

/**
 * A channel in the full wire shape of API.md. The channel domain owns channels and their rules; the guild domain
 * only carries these objects, unopened, into its guild objects and events, so it names just what identifies them.
 */
export interface ChannelPayload {
  readonly id: Snowflake;
  readonly type: number;
}

/** What an invite needs of its channel. */
export interface InviteChannel {
  readonly id: Snowflake;
  readonly type: number;
  readonly guildId: Snowflake | null;
  readonly name: string | null;
}

/** Creates a new guild's channels inside the guild's own transaction. */
export interface DefaultChannels {
  /** Creates `general` (text) and `General` (voice) in the guild and returns them. */
  createDefaults(guildId: Snowflake): Promise<ChannelPayload[]>;
}

/** Reads of the channel domain the guild domain needs; implemented with the channel module. */
export interface GuildChannels {
  /** The guild's channels the user can view, in display order. */
  visibleTo(guildId: Snowflake, userId: Snowflake): Promise<ChannelPayload[]>;
  /** A channel and the user's permissions in it; null when it does not exist. */
  access(userId: Snowflake, channelId: Snowflake): Promise<{ channel: InviteChannel; permissions: bigint } | null>;
  /** A channel's identity for invite previews; null when it does not exist. */
  find(channelId: Snowflake): Promise<InviteChannel | null>;
}
