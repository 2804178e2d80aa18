import { type DomainEvent, type NewDomainEvent, type Topic, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, ChannelType, type DmChannel, VOICE_BITRATE, VideoQualityMode, isGuildChannel, isThread } from "./channel";
import { type ThreadPayload, threadPayload } from "./thread-events";
import { DEFAULT_FORUM_SETTINGS, type ForumSettings, type ForumTag } from "./forum";
import type { Overwrite } from "./overwrite";
import { type UserPayload, type UserProfile, userPayload } from "../../../shared/kernel/users";

/** The wire shapes of API.md; events carry them as is, since the gateway dispatches event data unchanged. */
export interface OverwritePayload {
  readonly id: Snowflake;
  readonly type: 0 | 1;
  readonly allow: string;
  readonly deny: string;
}

export interface ChannelPayload {
  readonly id: Snowflake;
  readonly type: number;
  readonly guild_id?: Snowflake;
  readonly name?: string;
  readonly position?: number;
  readonly parent_id?: Snowflake | null;
  readonly topic?: string | null;
  /** Guild channels: 0 (unlimited) unless a voice channel has a limit. */
  readonly user_limit?: number;
  /** Text channels: slow mode in seconds (0: off). */
  readonly rate_limit_per_user?: number;
  /** Voice channels: Discord's field, which its libraries read (see VOICE_BITRATE). */
  readonly bitrate?: number;
  /** Voice channels: 1 auto, 2 full (VideoQualityMode). */
  readonly video_quality_mode?: number;
  /** Forums: Discord's forum fields. */
  readonly available_tags?: ForumTagPayload[];
  readonly default_reaction_emoji?: { readonly emoji_id: Snowflake | null; readonly emoji_name: string | null } | null;
  readonly default_sort_order?: number | null;
  readonly default_forum_layout?: number;
  readonly default_thread_rate_limit_per_user?: number;
  /** Forums: REQUIRE_TAG; threads: PINNED. */
  readonly flags?: number;
  /** Guild channels and DMs (empty); threads have none (their parent's apply). */
  readonly permission_overwrites?: OverwritePayload[];
  readonly last_message_id: Snowflake | null;
  /** DMs: the other participant(s), from the point of view of whoever receives the object. */
  readonly recipients?: UserPayload[];
}

export interface ForumTagPayload {
  readonly id: Snowflake;
  readonly name: string;
  readonly moderated: boolean;
  readonly emoji_id: Snowflake | null;
  readonly emoji_name: string | null;
}

export const forumTagPayload = (tag: ForumTag): ForumTagPayload => ({ id: tag.id, name: tag.name, moderated: tag.moderated, emoji_id: tag.emojiId, emoji_name: tag.emojiName });

const forumPayload = (forum: ForumSettings) => ({
  available_tags: forum.availableTags.map(forumTagPayload),
  default_reaction_emoji: forum.defaultReactionEmoji ? { emoji_id: forum.defaultReactionEmoji.emojiId, emoji_name: forum.defaultReactionEmoji.emojiName } : null,
  default_sort_order: forum.defaultSortOrder,
  default_forum_layout: forum.defaultForumLayout,
  default_thread_rate_limit_per_user: forum.defaultThreadRateLimitPerUser,
  flags: forum.flags,
});

export const overwritePayload = (overwrite: Overwrite): OverwritePayload => ({
  id: overwrite.id,
  type: overwrite.type,
  allow: overwrite.allow.toString(),
  deny: overwrite.deny.toString(),
});

/** A channel as API.md shows it; a DM lists `recipients`, the users other than the viewer. */
export const channelPayload = (channel: Channel, recipients: readonly UserProfile[] = []): ChannelPayload | ThreadPayload =>
  isThread(channel)
    ? threadPayload(channel)
    : isGuildChannel(channel)
    ? {
        id: channel.id,
        type: channel.type,
        guild_id: channel.guildId,
        name: channel.name,
        position: channel.position,
        parent_id: channel.parentId,
        topic: channel.topic,
        user_limit: channel.userLimit,
        ...(channel.type === ChannelType.GUILD_TEXT || channel.type === ChannelType.GUILD_FORUM ? { rate_limit_per_user: channel.rateLimitPerUser } : {}),
        ...(channel.type === ChannelType.GUILD_VOICE ? { bitrate: VOICE_BITRATE, video_quality_mode: channel.videoQualityMode ?? VideoQualityMode.AUTO } : {}),
        ...(channel.type === ChannelType.GUILD_FORUM ? forumPayload(channel.forum ?? DEFAULT_FORUM_SETTINGS) : {}),
        permission_overwrites: channel.overwrites.map(overwritePayload),
        last_message_id: channel.lastMessageId,
      }
    : {
        id: channel.id,
        type: channel.type,
        permission_overwrites: [],
        last_message_id: channel.lastMessageId,
        recipients: recipients.map(userPayload),
      };

export type ChannelCreated = DomainEvent<"CHANNEL_CREATED", ChannelPayload>;
export type ChannelUpdated = DomainEvent<"CHANNEL_UPDATED", ChannelPayload>;
export type ChannelDeleted = DomainEvent<"CHANNEL_DELETED", ChannelPayload>;
export type ChannelEvent = ChannelCreated | ChannelUpdated | ChannelDeleted;

/** Guild channel events go to the guild (the gateway filters by VIEW_CHANNEL); the payload already has guild_id. */
const guildChannelEvent =
  <T extends ChannelEvent["type"]>(type: T) =>
  (channel: Channel): NewDomainEvent<T, ChannelPayload> => ({
    type,
    topics: [channel.type === ChannelType.DM ? topics.channel(channel.id) : topics.guild(channel.guildId)],
    data: channelPayload(channel),
  });

export const channelCreated = guildChannelEvent("CHANNEL_CREATED");
export const channelUpdated = guildChannelEvent("CHANNEL_UPDATED");
export const channelDeleted = guildChannelEvent("CHANNEL_DELETED");

/**
 * A new DM: one CHANNEL_CREATED per participant, on their own `user:` topic, each listing the other one as
 * recipient, so every session receives the object exactly as GET /channels/{id} would show it to that user.
 */
export const dmCreated = (channel: DmChannel, users: readonly [UserProfile, UserProfile]): Unrecorded<ChannelCreated>[] =>
  users.map((viewer, index): Unrecorded<ChannelCreated> => {
    const other = users[1 - index] as UserProfile;
    const topic: Topic = topics.user(viewer.id);
    return { type: "CHANNEL_CREATED", topics: [topic], data: channelPayload(channel, [other]) };
  });
