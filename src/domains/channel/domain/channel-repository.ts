import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Channel, DmChannel, GuildChannel } from "./channel";
import type { Overwrite } from "./overwrite";

/** Channels and their permission overwrites. */
export interface ChannelRepository {
  /** Inserts a guild channel with its overwrites. */
  insert(channel: GuildChannel): Promise<void>;
  /** The channel with this id, guild or DM, or null. */
  find(id: Snowflake): Promise<Channel | null>;
  /** Every channel of the guild, in no particular order. */
  listByGuild(guildId: Snowflake): Promise<GuildChannel[]>;
  /** Saves name, topic, user limit, position and parent (not overwrites). */
  update(channels: readonly GuildChannel[]): Promise<void>;
  /** Deletes a channel with its overwrites and invites; its children lose their parent. */
  delete(id: Snowflake): Promise<void>;
  /** Replaces every overwrite of the channel. */
  replaceOverwrites(channelId: Snowflake, overwrites: readonly Overwrite[]): Promise<void>;
  /** Creates or replaces the overwrite for one target. */
  putOverwrite(channelId: Snowflake, overwrite: Overwrite): Promise<void>;
  /** Deletes the overwrite for one target; false when there was none. */
  deleteOverwrite(channelId: Snowflake, targetId: Snowflake): Promise<boolean>;
  /** The DM of this pair (lower id first), or null. */
  findDm(pair: readonly [Snowflake, Snowflake]): Promise<DmChannel | null>;
  /** Inserts a DM; false (nothing written) when the pair already has one, even one created concurrently. */
  insertDm(channel: DmChannel): Promise<boolean>;
  /** The user's DMs, newest first. */
  listDms(userId: Snowflake): Promise<DmChannel[]>;
}
