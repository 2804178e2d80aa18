import { type SQL, sql } from "drizzle-orm";
import type { Attachment } from "../../../domains/message/domain/attachment";
import type { Message, ReactionSummary } from "../../../domains/message/domain/message";
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
  created_at: string;
}

const attachmentJson = sql`json_build_object('id', a.id::text, 'channel_id', a.channel_id::text, 'uploader_id', a.uploader_id::text,
  'filename', a.filename, 'content_type', a.content_type, 'size', a.size, 'width', a.width, 'height', a.height, 'created_at', a.created_at)`;

// Spelled out: drizzle renders columns of a single-table select unqualified, which a subquery would resolve to its own table.
const MESSAGE_ID = sql.raw(`"messages"."id"`);

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
  createdAt: new Date(row.created_at),
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
});

/** The rows of `db.execute`: postgres-js answers an array, PGlite `{ rows }`. */
export const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** A list of snowflakes as a SQL array literal of bigints (drizzle would expand a JS array into a parameter list). */
export const bigintArray = (ids: readonly string[]): SQL => sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::bigint[]`;
