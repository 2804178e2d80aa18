import { type SQL, sql } from "drizzle-orm";
import type { Attachment } from "../../../domains/message/domain/attachment";
import type { Embed } from "../../../domains/message/domain/embeds";
import type { Message, MessageType, ReactionSummary } from "../../../domains/message/domain/message";
import { attachments, messageReactions, messages } from "./message-schema";

/** An attachment as `json_build_object` hands it over (ids as text: exact on every driver). */
interface AttachmentJson {
  id: string;
  channel_id: string;
  uploader_id: string;
  filename: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  description: string | null;
  created_at: string;
}

const attachmentJson = sql`json_build_object('id', a.id::text, 'channel_id', a.channel_id::text, 'uploader_id', a.uploader_id::text,
  'filename', a.filename, 'content_type', a.content_type, 'size', a.size, 'width', a.width, 'height', a.height, 'description', a.description, 'created_at', a.created_at)`;

// Spelled out: drizzle renders columns of a single-table select unqualified, which a subquery would resolve to its own table.
const MESSAGE_ID = sql.raw(`"messages"."id"`);
const MESSAGE_CHANNEL_ID = sql.raw(`"messages"."channel_id"`);
const MESSAGE_REFERENCE_ID = sql.raw(`"messages"."reference_id"`);

/** A replied-to message as `json_build_object` hands it over. */
interface ReferencedJson {
  id: string;
  author_id: string;
  content: string;
  edited_at: string | null;
  mention_ids: string[];
  mention_everyone: boolean;
  mention_role_ids: string[];
  pinned_at: string | null;
  type: number;
  flags: number;
  embeds: Embed[] | null;
  reference_id: string | null;
  webhook_id: string | null;
  webhook_username: string | null;
  webhook_avatar: string | null;
  attachments: AttachmentJson[] | null;
}

/** The replied-to message of a reply: one primary-key probe, run only for replies. */
const referencedJson = sql`CASE WHEN ${MESSAGE_REFERENCE_ID} IS NOT NULL THEN
    (SELECT json_build_object('id', r.id::text, 'author_id', r.author_id::text, 'content', r.content, 'edited_at', r.edited_at,
      'mention_ids', r.mention_ids, 'mention_everyone', r.mention_everyone, 'mention_role_ids', r.mention_role_ids,
      'pinned_at', r.pinned_at, 'type', r.type, 'flags', r.flags, 'embeds', r.embeds, 'reference_id', r.reference_id::text,
      'webhook_id', r.webhook_id::text, 'webhook_username', r.webhook_username, 'webhook_avatar', r.webhook_avatar,
      'attachments', CASE WHEN r.has_attachments THEN (SELECT json_agg(${attachmentJson} ORDER BY a.id) FROM ${attachments} a WHERE a.message_id = r.id) END)
      FROM ${messages} r WHERE r.channel_id = ${MESSAGE_CHANNEL_ID} AND r.id = ${MESSAGE_REFERENCE_ID}) END`;

/**
 * The columns of a message read, with its attachments and the viewer's reaction summary gathered by correlated
 * subqueries on `attachments_message_idx` and the reactions' primary key, run only for the rows whose flags say
 * there is something to find (most messages have neither): a page is one statement, one round trip.
 */
export const messageColumns = (viewerId: unknown) => ({
  id: messages.id,
  channelId: messages.channelId,
  guildId: messages.guildId,
  authorId: messages.authorId,
  content: messages.content,
  editedAt: messages.editedAt,
  mentionIds: messages.mentionIds,
  mentionEveryone: messages.mentionEveryone,
  pinnedAt: messages.pinnedAt,
  type: messages.type,
  flags: messages.flags,
  embeds: messages.embeds,
  mentionRoleIds: messages.mentionRoleIds,
  referenceId: messages.referenceId,
  webhookId: messages.webhookId,
  webhookUsername: messages.webhookUsername,
  webhookAvatar: messages.webhookAvatar,
  referenced: sql<ReferencedJson | null>`${referencedJson}`,
  attachments: sql<AttachmentJson[] | null>`CASE WHEN ${messages.hasAttachments} THEN
    (SELECT json_agg(${attachmentJson} ORDER BY a.id) FROM ${attachments} a WHERE a.message_id = ${MESSAGE_ID}) END`,
  reactions: sql<ReactionSummary[] | null>`CASE WHEN ${messages.reactionCount} > 0 THEN
    (SELECT json_agg(json_build_object('emoji', r.emoji, 'count', r.count, 'me', r.me) ORDER BY r.first)
      FROM (SELECT mr.emoji, count(*)::int AS count, bool_or(mr.user_id = ${viewerId}) AS me, min(mr.created_at) AS first
        FROM ${messageReactions} mr WHERE mr.message_id = ${MESSAGE_ID} GROUP BY mr.emoji) r) END`,
});

/** What a select of `messageColumns` answers. */
export interface MessageRow {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  content: string;
  editedAt: Date | null;
  mentionIds: string[];
  mentionEveryone: boolean;
  pinnedAt: Date | null;
  type: number;
  flags: number;
  embeds: unknown;
  mentionRoleIds: string[];
  referenceId: string | null;
  webhookId: string | null;
  webhookUsername: string | null;
  webhookAvatar: string | null;
  referenced: ReferencedJson | null;
  attachments: AttachmentJson[] | null;
  reactions: ReactionSummary[] | null;
}

export const toAttachment = (row: AttachmentJson): Attachment => ({
  id: row.id,
  channelId: row.channel_id,
  uploaderId: row.uploader_id,
  filename: row.filename,
  contentType: row.content_type,
  size: row.size,
  width: row.width,
  height: row.height,
  description: row.description ?? null,
  createdAt: new Date(row.created_at),
});

/** The reference a reply keeps: always to a message of its own channel. */
const referenceOf = (referenceId: string | null, channelId: string, guildId: string | null) =>
  referenceId === null ? null : { messageId: referenceId, channelId, guildId };

/** A webhook's message keeps the webhook's id and the name and avatar it was sent under. */
const webhookOf = (id: string | null, username: string | null, avatar: string | null): Pick<Message, "webhook"> =>
  id !== null && username !== null ? { webhook: { id, username, avatar } } : {};

/** A replied-to message as a reply shows it: without its own replied-to message, and without reactions. */
const toReferenced = (row: ReferencedJson, channelId: string, guildId: string | null): Message => ({
  id: row.id,
  channelId,
  guildId,
  authorId: row.author_id,
  content: row.content,
  editedAt: row.edited_at === null ? null : new Date(row.edited_at),
  mentionIds: row.mention_ids ?? [],
  mentionEveryone: row.mention_everyone,
  pinned: row.pinned_at !== null,
  attachments: (row.attachments ?? []).map(toAttachment),
  reactions: [],
  type: row.type as MessageType,
  flags: row.flags,
  embeds: row.embeds ?? [],
  mentionRoleIds: row.mention_role_ids ?? [],
  reference: referenceOf(row.reference_id, channelId, guildId),
  ...webhookOf(row.webhook_id, row.webhook_username, row.webhook_avatar),
});

export const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  channelId: row.channelId,
  guildId: row.guildId,
  authorId: row.authorId,
  content: row.content,
  editedAt: row.editedAt,
  mentionIds: row.mentionIds,
  mentionEveryone: row.mentionEveryone,
  pinned: row.pinnedAt !== null,
  attachments: (row.attachments ?? []).map(toAttachment),
  reactions: row.reactions ?? [],
  type: row.type as MessageType,
  flags: row.flags,
  embeds: (row.embeds as Embed[] | null) ?? [],
  mentionRoleIds: row.mentionRoleIds,
  reference: referenceOf(row.referenceId, row.channelId, row.guildId),
  ...(row.referenceId !== null ? { referencedMessage: row.referenced ? toReferenced(row.referenced, row.channelId, row.guildId) : null } : {}),
  ...webhookOf(row.webhookId, row.webhookUsername, row.webhookAvatar),
});

/** The rows of `db.execute`: postgres-js answers an array, PGlite `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** A list of snowflakes as a SQL array literal of bigints (drizzle would expand a JS array into a parameter list). */
export const bigintArray = (ids: readonly string[]): SQL => sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::bigint[]`;
