import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { UserBody } from "../../identity";
import { Ignored, IntegerInput, PermissionBitfield as Bitfield, ResponseInteger, SnowflakeString, Timestamp, ignoredDiscordFields } from "../../../shared/presentation/schema-types";
import { CHANNEL_NAME_MAX, TOPIC_MAX, USER_LIMIT_MAX } from "../domain/channel";
import { channelPayload } from "../domain/channel-events";
import { MAX_OVERWRITES } from "../domain/overwrite";
import type { ChannelView } from "../application/get-channel";
import { AUTO_ARCHIVE_DURATIONS, RATE_LIMIT_PER_USER_MAX } from "../domain/thread";
import { FORUM_TAG_NAME_MAX, FORUM_TOPIC_MAX, MAX_APPLIED_TAGS, MAX_FORUM_TAGS } from "../domain/forum";

/** The failures of every route on a channel: it does not exist, or the caller cannot see it. */
export const channelFailures = [
  fails("UNKNOWN_CHANNEL", "no such channel"),
  fails("MISSING_ACCESS", "the caller cannot see the channel (not in its guild or DM, or no VIEW_CHANNEL)"),
] as const;
const strict = { additionalProperties: false } as const;

const CHANNEL_EXAMPLE = {
  id: "1234567890123456790",
  type: 0,
  guild_id: "1234567890123456789",
  name: "general",
  position: 0,
  parent_id: null,
  topic: null,
  user_limit: 0,
  rate_limit_per_user: 0,
  permission_overwrites: [],
  last_message_id: null,
};

export const ThreadMetadataBody = t.Object(
  {
    archived: t.Boolean(),
    auto_archive_duration: ResponseInteger({ description: "minutes of inactivity before the thread archives itself: 60, 1440, 4320 or 10080" }),
    archive_timestamp: Timestamp,
    locked: t.Boolean(),
    invitable: t.Optional(t.Boolean({ description: "private threads: whether members without MANAGE_THREADS may add others" })),
    create_timestamp: Timestamp,
  },
  { title: "ThreadMetadata" },
);

export const OverwriteBody = t.Object(
  { id: SnowflakeString, type: t.Union([t.Literal(0), t.Literal(1)], { description: "0 role, 1 member" }), allow: t.String(), deny: t.String() },
  { title: "Overwrite" },
);

export const ForumTagBody = t.Object(
  {
    id: SnowflakeString,
    name: t.String(),
    moderated: t.Boolean({ description: "only MANAGE_THREADS holders may apply or remove it" }),
    emoji_id: t.Nullable(SnowflakeString),
    emoji_name: t.Nullable(t.String()),
  },
  { title: "ForumTag" },
);

const ForumEmojiBody = t.Object({ emoji_id: t.Nullable(SnowflakeString), emoji_name: t.Nullable(t.String()) }, { title: "DefaultReaction" });

export const ChannelBody = t.Object(
  {
    id: SnowflakeString,
    type: ResponseInteger({ description: "0 text, 1 DM, 2 voice, 4 category, 11 public thread, 12 private thread, 15 forum" }),
    guild_id: t.Optional(SnowflakeString),
    name: t.Optional(t.String()),
    position: t.Optional(ResponseInteger()),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    topic: t.Optional(t.Nullable(t.String())),
    user_limit: t.Optional(ResponseInteger({ description: "guild channels: users allowed in a voice channel at once, 0 unlimited (always 0 for text and category)" })),
    bitrate: t.Optional(ResponseInteger({ description: "voice channels: 64000, Discord's default, for Discord's libraries (XCord does not set or enforce a bitrate)" })),
    video_quality_mode: t.Optional(ResponseInteger({ description: "voice channels: camera video quality, 1 auto (default), 2 full" })),
    permission_overwrites: t.Optional(t.Array(OverwriteBody, { description: "guild channels and DMs; threads have none (their parent's apply)" })),
    last_message_id: t.Nullable(SnowflakeString),
    recipients: t.Optional(t.Array(UserBody, { description: "DMs: the other participant" })),
    owner_id: t.Optional(SnowflakeString),
    rate_limit_per_user: t.Optional(ResponseInteger({ description: "text channels and threads: slow mode, seconds a member waits between two messages (0 off)" })),
    message_count: t.Optional(ResponseInteger({ description: "threads: messages in it" })),
    member_count: t.Optional(ResponseInteger({ description: "threads: members of it" })),
    total_message_sent: t.Optional(ResponseInteger({ description: "threads: as message_count (XCord counts the messages there now)" })),
    flags: t.Optional(ResponseInteger({ description: "forums: REQUIRE_TAG (16); threads: PINNED (2), a forum's pinned post" })),
    available_tags: t.Optional(t.Array(ForumTagBody, { description: "forums: the tags posts may carry" })),
    default_reaction_emoji: t.Optional(t.Nullable(ForumEmojiBody, { description: "forums: the emoji clients offer as a post's default reaction" })),
    default_sort_order: t.Optional(t.Nullable(ResponseInteger({ description: "forums: 0 latest activity, 1 creation date, null not set" }))),
    default_forum_layout: t.Optional(ResponseInteger({ description: "forums: 0 not set, 1 list, 2 gallery" })),
    default_thread_rate_limit_per_user: t.Optional(ResponseInteger({ description: "forums: the slow mode a new post starts with" })),
    applied_tags: t.Optional(t.Array(SnowflakeString, { description: "forum posts: the ids of the forum's tags they carry" })),
    thread_metadata: t.Optional(ThreadMetadataBody),
    newly_created: t.Optional(t.Boolean()),
  },
  { title: "Channel", examples: [CHANNEL_EXAMPLE] },
);

export const ChannelParams = t.Object({ id: SnowflakeString });
export const OverwriteParams = t.Object({ id: SnowflakeString, overwrite_id: SnowflakeString });

const overwriteType = IntegerInput({ minimum: 0, maximum: 1, description: "0 role, 1 member" });
const OverwriteInputBody = t.Object({ id: SnowflakeString, type: overwriteType, allow: t.Optional(Bitfield), deny: t.Optional(Bitfield) }, strict);
const overwritesField = t.Array(OverwriteInputBody, { maxItems: MAX_OVERWRITES, description: `at most ${MAX_OVERWRITES}, one per role or member` });
const nameField = t.String({
  description: `1–${CHANNEL_NAME_MAX} characters; text channels are lower-cased, spaces become dashes`,
  minLength: 1,
  maxLength: CHANNEL_NAME_MAX,
});
const topicField = t.Nullable(
  t.String({ description: `text channels, at most ${TOPIC_MAX} characters; forums (their guidelines), at most ${FORUM_TOPIC_MAX}; null clears it`, maxLength: FORUM_TOPIC_MAX }),
);
const userLimitField = IntegerInput({
  minimum: 0,
  maximum: USER_LIMIT_MAX,
  description: `voice channels: users allowed at once, 1–${USER_LIMIT_MAX}, or 0 (default) for unlimited`,
});
const videoQualityModeField = IntegerInput({ minimum: 1, maximum: 2, description: "voice channels: camera video quality, 1 auto (default) or 2 full" });
const position = IntegerInput({ minimum: 0 });

/**
 * Channel settings of Discord's that XCord does not have yet (NSFW, thread defaults, voice region):
 * accepted on create and modify, ignored. Voice channels report `bitrate` 64000 whatever is sent.
 */
const IGNORED_CHANNEL_SETTINGS = {
  nsfw: Ignored.boolean(),
  rtc_region: Ignored.string(64),
  default_auto_archive_duration: Ignored.integer(),
};

const slowModeField = t.Nullable(
  IntegerInput({
    minimum: 0,
    maximum: RATE_LIMIT_PER_USER_MAX,
    description: `slow mode: seconds a member waits between two messages, 0 (off) to ${RATE_LIMIT_PER_USER_MAX}; text channels (MANAGE_CHANNELS) and threads (MANAGE_THREADS)`,
  }),
);

const ForumTagInputBody = t.Object(
  {
    id: t.Optional(SnowflakeString),
    name: t.String({ minLength: 1, maxLength: FORUM_TAG_NAME_MAX, description: `1–${FORUM_TAG_NAME_MAX} characters` }),
    moderated: t.Optional(t.Boolean()),
    emoji_id: t.Optional(t.Nullable(SnowflakeString)),
    emoji_name: t.Optional(t.Nullable(t.String({ maxLength: 64 }))),
  },
  { ...strict, description: "with the id of an existing tag to keep it; without one for a new tag (the server gives it an id)" },
);
const ForumEmojiInputBody = t.Object(
  { emoji_id: t.Optional(t.Nullable(SnowflakeString)), emoji_name: t.Optional(t.Nullable(t.String({ maxLength: 64 }))) },
  { ...strict, description: "a custom emoji of the guild (emoji_id) or a Unicode emoji (emoji_name), not both" },
);

/** Discord's forum fields: they apply to forums (type 15) only and are ignored on other channels. */
const FORUM_SETTINGS = {
  available_tags: t.Optional(t.Array(ForumTagInputBody, { maxItems: MAX_FORUM_TAGS, description: `forums: at most ${MAX_FORUM_TAGS} tags; the list replaces the forum's` })),
  default_reaction_emoji: t.Optional(t.Nullable(ForumEmojiInputBody)),
  default_sort_order: t.Optional(t.Nullable(IntegerInput({ minimum: 0, maximum: 1, description: "forums: 0 latest activity, 1 creation date" }))),
  default_forum_layout: t.Optional(IntegerInput({ minimum: 0, maximum: 2, description: "forums: 0 not set, 1 list, 2 gallery" })),
  default_thread_rate_limit_per_user: t.Optional(
    t.Nullable(IntegerInput({ minimum: 0, maximum: RATE_LIMIT_PER_USER_MAX, description: `forums: the slow mode new posts start with, 0–${RATE_LIMIT_PER_USER_MAX} seconds` })),
  ),
};

/** The forum fields of a body in the use cases' terms. */
export const forumSettingsOf = (body: {
  available_tags?: (typeof ForumTagInputBody.static)[];
  default_reaction_emoji?: typeof ForumEmojiInputBody.static | null;
  default_sort_order?: number | null;
  default_forum_layout?: number;
  default_thread_rate_limit_per_user?: number | null;
}) => ({
  availableTags: body.available_tags?.map((tag) => ({ id: tag.id, name: tag.name, moderated: tag.moderated, emojiId: tag.emoji_id, emojiName: tag.emoji_name })),
  defaultReactionEmoji: body.default_reaction_emoji && { emojiId: body.default_reaction_emoji.emoji_id, emojiName: body.default_reaction_emoji.emoji_name },
  defaultSortOrder: body.default_sort_order,
  defaultForumLayout: body.default_forum_layout,
  defaultThreadRateLimitPerUser: body.default_thread_rate_limit_per_user,
});

export const CreateChannelBody = t.Object(
  {
    name: nameField,
    type: t.Optional(IntegerInput({ description: "0 text (default), 2 voice, 4 category, 15 forum" })),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    topic: t.Optional(topicField),
    user_limit: t.Optional(userLimitField),
    video_quality_mode: t.Optional(videoQualityModeField),
    rate_limit_per_user: t.Optional(slowModeField),
    position: t.Optional(position),
    permission_overwrites: t.Optional(overwritesField),
    ...FORUM_SETTINGS,
    flags: t.Optional(IntegerInput({ minimum: 0, description: "forums: REQUIRE_TAG (16) or 0; ignored on other channels" })),
    ...ignoredDiscordFields({ bitrate: Ignored.integer(), ...IGNORED_CHANNEL_SETTINGS }),
  },
  { ...strict, examples: [{ name: "general-chat", topic: "Anything goes" }] },
);

export const UpdateChannelBody = t.Object(
  {
    name: t.Optional(nameField),
    topic: t.Optional(topicField),
    user_limit: t.Optional(userLimitField),
    video_quality_mode: t.Optional(videoQualityModeField),
    position: t.Optional(position),
    parent_id: t.Optional(t.Nullable(SnowflakeString)),
    permission_overwrites: t.Optional(overwritesField),
    type: t.Optional(IntegerInput({ description: "the channel's current type; a type never changes (400 otherwise)" })),
    archived: t.Optional(t.Boolean({ description: "threads: archive or unarchive" })),
    auto_archive_duration: t.Optional(IntegerInput({ description: `threads: ${AUTO_ARCHIVE_DURATIONS.join(", ")} minutes` })),
    locked: t.Optional(t.Boolean({ description: "threads: only MANAGE_THREADS holders may then unarchive it or send to it (MANAGE_THREADS)" })),
    invitable: t.Optional(t.Boolean({ description: "private threads: whether members may add others (MANAGE_THREADS)" })),
    rate_limit_per_user: t.Optional(slowModeField),
    ...FORUM_SETTINGS,
    flags: t.Optional(IntegerInput({ minimum: 0, description: "forums: REQUIRE_TAG (16) or 0; forum posts: PINNED (2) or 0 (MANAGE_THREADS, one pinned post per forum)" })),
    applied_tags: t.Optional(
      t.Array(SnowflakeString, { maxItems: MAX_APPLIED_TAGS, description: `forum posts: at most ${MAX_APPLIED_TAGS} of the forum's tags (the creator or MANAGE_THREADS; moderated tags MANAGE_THREADS)` }),
    ),
    ...ignoredDiscordFields({ bitrate: Ignored.integer(), ...IGNORED_CHANNEL_SETTINGS }),
  },
  { ...strict, examples: [{ topic: "Release planning" }] },
);

export const ChannelPositionsBody = t.Array(
  t.Object({ id: SnowflakeString, position, parent_id: t.Optional(t.Nullable(SnowflakeString)), ...ignoredDiscordFields({ lock_permissions: Ignored.boolean() }) }, strict),
  { minItems: 1, maxItems: 500, examples: [[{ id: "1234567890123456789", position: 1 }]] },
);

export const PutOverwriteBody = t.Object(
  { type: overwriteType, allow: t.Optional(Bitfield), deny: t.Optional(Bitfield) },
  { ...strict, examples: [{ type: 0, allow: "1024", deny: "2048" }] },
);

export const OpenDmBody = t.Object({ recipient_id: SnowflakeString }, { ...strict, examples: [{ recipient_id: "1234567890123456789" }] });

export const toChannelBody = (view: ChannelView): typeof ChannelBody.static => channelPayload(view.channel, view.recipients);
