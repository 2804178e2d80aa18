import { sql } from "drizzle-orm";
import { type AnyPgColumn, bigint, boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, uniqueIndex } from "drizzle-orm/pg-core";
import { reference, snowflake, timestamptz } from "./columns";
import { guilds } from "./guild-schema";
import { users } from "./identity-schema";

/** A forum tag as stored (the domain's ForumTag). */
export interface StoredForumTag {
  readonly id: string;
  readonly name: string;
  readonly moderated: boolean;
  readonly emojiId: string | null;
  readonly emojiName: string | null;
}

export interface StoredForumEmoji {
  readonly emojiId: string | null;
  readonly emojiName: string | null;
}

/**
 * Guild channels and DMs in one table, since messages, reads and permissions address both by channel id. A DM has no
 * guild and names its two users, lower id first; the unique index on that pair makes "open the DM of A and B"
 * idempotent even under concurrency (guild channels leave both null, and NULLs never collide).
 */
export const channels = pgTable(
  "channels",
  {
    id: snowflake("id").primaryKey(),
    type: smallint("type").notNull(),
    guildId: snowflake("guild_id").references(() => guilds.id, { onDelete: "cascade" }),
    name: text("name"),
    position: integer("position"),
    /** Deleting a category un-parents its channels. */
    parentId: snowflake("parent_id").references((): AnyPgColumn => channels.id, { onDelete: "set null" }),
    topic: text("topic"),
    /** Voice channels only; 0 means unlimited. */
    userLimit: integer("user_limit").notNull().default(0),
    /** Voice channels only: camera video quality, 1 auto or 2 full (null elsewhere). */
    videoQualityMode: smallint("video_quality_mode"),
    /**
     * No longer read or written: a channel's newest message is derived from the messages primary key (see
     * lastMessageIdOf). Kept while nodes of the previous release, which still update it on every send, may run
     * beside this one in a rolling deploy; a later release drops it.
     */
    lastMessageId: snowflake("last_message_id"),
    dmLowUserId: snowflake("dm_low_user_id").references(() => users.id),
    dmHighUserId: snowflake("dm_high_user_id").references(() => users.id),
    /** Threads (types 11 and 12): who started it; their parent is `parent_id`, a text channel. */
    ownerId: snowflake("owner_id"),
    /** Slow mode in seconds (threads). */
    rateLimitPerUser: integer("rate_limit_per_user").notNull().default(0),
    threadArchived: boolean("thread_archived").notNull().default(false),
    /** Minutes: 60, 1440, 4320 or 10080. */
    autoArchiveDuration: integer("auto_archive_duration"),
    /** When `thread_archived` last changed, or the thread's creation: inactivity counts from it and the last message. */
    archiveTimestamp: timestamptz("archive_timestamp"),
    threadLocked: boolean("thread_locked").notNull().default(false),
    threadInvitable: boolean("thread_invitable").notNull().default(true),
    threadCreatedAt: timestamptz("thread_created_at"),
    /** Discord's channel flags: REQUIRE_TAG on a forum, PINNED on a forum post. */
    flags: integer("flags").notNull().default(0),
    /** Forums: their tags, [{id, name, moderated, emojiId, emojiName}] (at most 20, read and written whole). */
    availableTags: jsonb("available_tags").$type<StoredForumTag[]>(),
    /** Forums: {emojiId, emojiName} or null. */
    defaultReactionEmoji: jsonb("default_reaction_emoji").$type<StoredForumEmoji>(),
    /** Forums: 0 latest activity, 1 creation date, or null. */
    defaultSortOrder: smallint("default_sort_order"),
    /** Forums: 0 not set, 1 list, 2 gallery. */
    defaultForumLayout: smallint("default_forum_layout"),
    /** Forums: the slow mode a new post starts with. */
    defaultThreadRateLimitPerUser: integer("default_thread_rate_limit_per_user"),
    /** Forum posts: the ids of the forum's tags they carry (at most 5); null for threads of text channels. */
    appliedTags: jsonb("applied_tags").$type<string[]>(),
  },
  (table) => [
    index("channels_guild_idx").on(table.guildId),
    index("channels_parent_idx").on(table.parentId),
    uniqueIndex("channels_dm_pair_key").on(table.dmLowUserId, table.dmHighUserId),
    index("channels_dm_high_idx").on(table.dmHighUserId),
    // The auto-archive job's scan: only threads still active.
    index("channels_active_threads_idx").on(table.archiveTimestamp).where(sql`type IN (11, 12) AND NOT thread_archived`),
    // A forum pins at most one post: two moderators pinning at once cannot both succeed.
    uniqueIndex("channels_pinned_post_key").on(table.parentId).where(sql`type IN (11, 12) AND (flags & 2) <> 0`),
  ],
);

/** One overwrite per (channel, role or member). Role deletion removes its overwrites (see the role repository). */
export const permissionOverwrites = pgTable(
  "permission_overwrites",
  {
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    targetId: snowflake("target_id").notNull(),
    /** 0 role, 1 member. */
    type: smallint("type").notNull(),
    allow: bigint("allow", { mode: "bigint" }).notNull(),
    deny: bigint("deny", { mode: "bigint" }).notNull(),
  },
  (table) => [primaryKey({ name: "permission_overwrites_pkey", columns: [table.channelId, table.targetId] }), index("permission_overwrites_target_idx").on(table.targetId)],
);

/** Who joined which thread (Discord's thread members). */
export const threadMembers = pgTable(
  "thread_members",
  {
    threadId: reference("thread_id", () => channels.id, { onDelete: "cascade" }),
    userId: reference("user_id", () => users.id, { onDelete: "cascade" }),
    joinedAt: timestamptz("joined_at").notNull(),
    flags: integer("flags").notNull().default(0),
  },
  (table) => [primaryKey({ name: "thread_members_pkey", columns: [table.threadId, table.userId] }), index("thread_members_user_idx").on(table.userId)],
);
