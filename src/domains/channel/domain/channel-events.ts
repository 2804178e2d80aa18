import { type DomainEvent, type NewDomainEvent, type Topic, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, ChannelType, type DmChannel, VOICE_BITRATE, VideoQualityMode, isGuildChannel, isThread } from "./channel";
import { type ThreadPayload, threadPayload } from "./thread-events";
import { DEFAULT_FORUM_SETTINGS, type ForumSettings, type ForumTag } from "./forum";
import type { Overwrite } from "./overwrite";
import type { ChannelPayload, ForumTagPayload, OverwritePayload } from "./channel-payload";
import { type UserProfile, userPayload } from "../../../shared/kernel/users";

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
