import { sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { boolean, check, customType, foreignKey, index, integer, jsonb, pgTable, primaryKey, smallint, text } from "drizzle-orm/pg-core";
import { channels } from "./channel-schema";
import { reference, snowflake, timestamptz } from "./columns";

/** Postgres full-text vectors; written only by the database (a generated column), read only in `@@` conditions. */
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Messages of guild text channels and DMs. The primary key is (channel_id, id), and there is deliberately no index
 * on id alone: a history page can then only be a range scan of the channel's part of that index, in either
 * direction, stopped by LIMIT, whatever the statistics say (a backward walk of an id index filtering for the
 * channel would crawl through every newer message of every other channel when the channel has gone quiet).
 * Everything that points at a message therefore points with (channel_id, message_id). `search` is generated from
 * the content with the `simple` configuration (lower-casing, no stemming, no stop words), so every language is
 * found word by word, and is indexed with GIN. Creation time is the id's timestamp.
 */
export const messages = pgTable(
  "messages",
  {
    id: snowflake("id").notNull(),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    /** Null in DMs; a channel never changes guild, so this copy never goes stale. */
    guildId: snowflake("guild_id"),
    /**
     * The user who wrote it, or the webhook that sent it (then `webhook_id` is the same id). No foreign key, since a
     * webhook is no user: the authenticated caller is the only author a user message gets.
     */
    authorId: snowflake("author_id").notNull(),
    content: text("content").notNull(),
    editedAt: timestamptz("edited_at"),
    /** Decimal user ids in order of first mention. */
    mentionIds: text("mention_ids").array().notNull().default(sql`'{}'::text[]`),
    mentionEveryone: boolean("mention_everyone").notNull().default(false),
    pinnedAt: timestamptz("pinned_at"),
    /** Set once at send (attachments never change): history reads look attachments up only for these rows. */
    hasAttachments: boolean("has_attachments").notNull().default(false),
    /** Kept with each reaction change, so history reads aggregate reactions only for messages that have some. */
    reactionCount: integer("reaction_count").notNull().default(0),
    search: tsvector("search").generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, "content")`),
    /** Discord's message type: 0 default, 19 reply. */
    type: smallint("type").notNull().default(0),
    /** Discord's message flags that XCord keeps (SUPPRESS_EMBEDS, SUPPRESS_NOTIFICATIONS). */
    flags: integer("flags").notNull().default(0),
    /** Rich embeds as sent (validated); null when none, so most rows carry nothing. */
    embeds: jsonb("embeds"),
    /** Decimal role ids mentioned with `<@&id>`, in order of first mention. */
    mentionRoleIds: text("mention_role_ids").array().notNull().default(sql`'{}'::text[]`),
    /**
     * The message this one replies to, in the same channel. No foreign key: the reply outlives it, and reads show
     * `referenced_message: null` once it is gone.
     */
    referenceId: snowflake("reference_id"),
    /** Set on a webhook's message; it outlives its webhook, keeping the name and avatar it was sent under. */
    webhookId: snowflake("webhook_id"),
    webhookUsername: text("webhook_username"),
    webhookAvatar: text("webhook_avatar"),
  },
  (table) => [
    primaryKey({ name: "messages_channel_id_pkey", columns: [table.channelId, table.id] }),
    index("messages_guild_author_idx").on(table.guildId, table.authorId, table.id),
    index("messages_search_idx").using("gin", table.search),
    index("messages_everyone_idx").on(table.channelId, table.id).where(sql`mention_everyone`),
    index("messages_pinned_idx").on(table.channelId, table.pinnedAt).where(sql`pinned_at IS NOT NULL`),
    check("messages_webhook_author_check", sql`webhook_id IS NULL OR (webhook_id = author_id AND webhook_username IS NOT NULL)`),
  ],
);

/** A foreign key to the message of (channel_id, message_id), deleted with it. */
const toMessage = (name: string, channelId: AnyPgColumn, messageId: AnyPgColumn) =>
  foreignKey({ name, columns: [channelId, messageId], foreignColumns: [messages.channelId, messages.id] }).onDelete("cascade");

/** One row per (message, emoji, user): a user reacts once per emoji; rows go with their message. */
export const messageReactions = pgTable(
  "message_reactions",
  {
    channelId: snowflake("channel_id").notNull(),
    messageId: snowflake("message_id").notNull(),
    emoji: text("emoji").notNull(),
    userId: snowflake("user_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [
    primaryKey({ name: "message_reactions_pkey", columns: [table.messageId, table.emoji, table.userId] }),
    toMessage("message_reactions_message_fk", table.channelId, table.messageId),
  ],
);

/**
 * Uploads. `message_id` is null until a message claims the upload; deleting the message sets it back to null with
 * `consumed_at` kept, which tells the purge to delete the bytes. That foreign key, (channel_id, message_id) with
 * `ON DELETE SET NULL (message_id)`, is in the hand-written migration `attachment_message_fk` (drizzle cannot say
 * "null only this column"). No foreign key to channels: a deleted channel's attachments must outlive it until the
 * purge has removed their bytes.
 */
export const attachments = pgTable(
  "attachments",
  {
    id: snowflake("id").primaryKey(),
    channelId: snowflake("channel_id").notNull(),
    uploaderId: snowflake("uploader_id").notNull(),
    messageId: snowflake("message_id"),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    width: integer("width"),
    height: integer("height"),
    /** Alt text, as Discord's `description`. */
    description: text("description"),
    createdAt: timestamptz("created_at").notNull(),
    consumedAt: timestamptz("consumed_at"),
  },
  (table) => [
    index("attachments_message_idx").on(table.messageId),
    index("attachments_unattached_idx").on(table.createdAt).where(sql`message_id IS NULL`),
  ],
);

/** Where each user stopped reading each channel. */
export const readStates = pgTable(
  "read_states",
  {
    userId: snowflake("user_id").notNull(),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    lastMessageId: snowflake("last_message_id"),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (table) => [primaryKey({ name: "read_states_pkey", columns: [table.userId, table.channelId] })],
);

/** The unread-mention inbox: a row per direct mention the user has not read past yet (emptied by acks). */
export const messageMentions = pgTable(
  "message_mentions",
  {
    userId: snowflake("user_id").notNull(),
    channelId: snowflake("channel_id").notNull(),
    messageId: snowflake("message_id").notNull(),
  },
  (table) => [
    primaryKey({ name: "message_mentions_pkey", columns: [table.userId, table.channelId, table.messageId] }),
    toMessage("message_mentions_message_fk", table.channelId, table.messageId),
    index("message_mentions_message_idx").on(table.messageId),
  ],
);

/**
 * Send nonces with `enforce_nonce`: the primary key makes a (channel, author, nonce) stand for one message; a claim
 * replaces a row older than the 5-minute window (INSERT … ON CONFLICT DO UPDATE … WHERE stale), and the purge
 * deletes old rows. Rows go with their message, so a deleted message's nonce may be sent again.
 */
export const messageNonces = pgTable(
  "message_nonces",
  {
    channelId: snowflake("channel_id").notNull(),
    authorId: snowflake("author_id").notNull(),
    nonce: text("nonce").notNull(),
    messageId: snowflake("message_id").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [
    primaryKey({ name: "message_nonces_pkey", columns: [table.channelId, table.authorId, table.nonce] }),
    toMessage("message_nonces_message_fk", table.channelId, table.messageId),
    index("message_nonces_message_idx").on(table.messageId),
    index("message_nonces_created_idx").on(table.createdAt),
  ],
);

/**
 * DM delivery (an XCord extension): the newest message of a DM that some gateway session of `user_id` was sent, so
 * every message of the other participant up to it shows `delivered`. One row per (DM, recipient), only moved forward.
 */
export const dmDeliveries = pgTable(
  "dm_deliveries",
  {
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    userId: snowflake("user_id").notNull(),
    deliveredUpTo: snowflake("delivered_up_to").notNull(),
  },
  (table) => [primaryKey({ name: "dm_deliveries_pkey", columns: [table.channelId, table.userId] })],
);
