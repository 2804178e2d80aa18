import { type SQL, and, eq, lte, sql } from "drizzle-orm";
import type { DeliveryMark, DeliveryState, ReadState, ReadStateRepository } from "../../../domains/message/domain/read-state-repository";
import type { DbExecutor } from "./database";
import { bigintArray, rowsOf } from "./drizzle-message-rows";
import { dmDeliveries, messageMentions, messages, readStates } from "./message-schema";

interface StateRow {
  channel_id: string;
  last_message_id: string | null;
  mention_count: number;
}

/**
 * The INSERT of `addMentions` (null when nobody is mentioned), to run now or as part of one statement. Users who
 * already read past the message (an edit adding a mention to old history) are not notified.
 */
export const addMentionsQuery = (channelId: string, messageId: string, userIds: readonly string[]): SQL | null =>
  userIds.length === 0
    ? null
    : sql`INSERT INTO ${messageMentions} (user_id, channel_id, message_id)
      SELECT u, ${channelId}::bigint, ${messageId}::bigint FROM unnest(${bigintArray(userIds)}) AS u
      WHERE NOT EXISTS (SELECT 1 FROM ${readStates} rs WHERE rs.user_id = u AND rs.channel_id = ${channelId}::bigint AND rs.last_message_id >= ${messageId}::bigint)
      ON CONFLICT DO NOTHING`;

/**
 * Read states in Postgres. A channel's mention count is computed when read: the user's unread-mention inbox rows
 * after their last read message, plus the @everyone messages after it (found through the partial index
 * `messages_everyone_idx`, so only such messages are visited) that are not theirs and not already in the inbox.
 */
export class DrizzleReadStateRepository implements ReadStateRepository {
  constructor(private readonly db: DbExecutor) {}

  async ack(userId: string, channelId: string, messageId: string, at: Date): Promise<void> {
    await this.db
      .insert(readStates)
      .values({ userId, channelId, lastMessageId: messageId, updatedAt: at })
      .onConflictDoUpdate({ target: [readStates.userId, readStates.channelId], set: { lastMessageId: messageId, updatedAt: at } });
    await this.db
      .delete(messageMentions)
      .where(and(eq(messageMentions.userId, userId), eq(messageMentions.channelId, channelId), lte(messageMentions.messageId, messageId)));
  }

  async markDelivered(marks: readonly DeliveryMark[]): Promise<DeliveryMark[]> {
    if (marks.length === 0) return [];
    // One statement for the batch; the WHERE keeps a mark from moving back, and RETURNING lists those that moved.
    const rows = rowsOf<{ channel_id: string | number | bigint; user_id: string | number | bigint; delivered_up_to: string | number | bigint }>(
      await this.db.execute(sql`INSERT INTO ${dmDeliveries} AS d (channel_id, user_id, delivered_up_to)
        SELECT c, u, m FROM unnest(${bigintArray(marks.map((mark) => mark.channelId))}, ${bigintArray(marks.map((mark) => mark.userId))}, ${bigintArray(marks.map((mark) => mark.messageId))}) AS t(c, u, m)
          WHERE EXISTS (SELECT 1 FROM channels WHERE id = c)
        ON CONFLICT (channel_id, user_id) DO UPDATE SET delivered_up_to = excluded.delivered_up_to
          WHERE d.delivered_up_to < excluded.delivered_up_to
        RETURNING channel_id, user_id, delivered_up_to`),
    );
    return rows.map((row) => ({ channelId: String(row.channel_id), userId: String(row.user_id), messageId: String(row.delivered_up_to) }));
  }

  async delivery(channelId: string, userId: string): Promise<DeliveryState> {
    const rows = rowsOf<{ delivered: string | number | bigint | null; read: string | number | bigint | null }>(
      await this.db.execute(sql`SELECT
        (SELECT delivered_up_to FROM ${dmDeliveries} WHERE channel_id = ${channelId}::bigint AND user_id = ${userId}::bigint) AS delivered,
        (SELECT last_message_id FROM ${readStates} WHERE channel_id = ${channelId}::bigint AND user_id = ${userId}::bigint) AS read`),
    );
    const row = rows[0];
    return { deliveredUpTo: row?.delivered == null ? null : String(row.delivered), readUpTo: row?.read == null ? null : String(row.read) };
  }

  async addMentions(channelId: string, messageId: string, userIds: readonly string[]): Promise<void> {
    const query = addMentionsQuery(channelId, messageId, userIds);
    if (query) await this.db.execute(query);
  }

  async removeMentions(messageId: string): Promise<void> {
    await this.db.delete(messageMentions).where(eq(messageMentions.messageId, messageId));
  }

  async state(userId: string, channelId: string): Promise<ReadState> {
    const [row] = await this.states(userId, sql`SELECT ${channelId}::bigint AS channel_id`);
    return row ?? { channelId, lastMessageId: null, mentionCount: 0 };
  }

  async list(userId: string, channelIds: readonly string[] = []): Promise<ReadState[]> {
    const extra = channelIds.length > 0 ? sql` UNION SELECT unnest(${bigintArray(channelIds)})` : sql``;
    const channels = sql`SELECT channel_id FROM ${readStates} WHERE user_id = ${userId}::bigint
      UNION SELECT channel_id FROM ${messageMentions} WHERE user_id = ${userId}::bigint${extra}`;
    const states = await this.states(userId, channels);
    return states.filter((state) => state.lastMessageId !== null || state.mentionCount > 0);
  }

  private async states(userId: string, channels: SQL): Promise<ReadState[]> {
    const result = await this.db.execute(sql`WITH ch AS (${channels})
      SELECT ch.channel_id::text AS channel_id, rs.last_message_id::text AS last_message_id,
        ((SELECT count(*) FROM ${messageMentions} mm
            WHERE mm.user_id = ${userId}::bigint AND mm.channel_id = ch.channel_id AND mm.message_id > coalesce(rs.last_message_id, 0))
         + (SELECT count(*) FROM ${messages} m
            WHERE m.channel_id = ch.channel_id AND m.mention_everyone AND m.id > coalesce(rs.last_message_id, 0) AND m.author_id <> ${userId}::bigint
              AND NOT EXISTS (SELECT 1 FROM ${messageMentions} mm WHERE mm.user_id = ${userId}::bigint AND mm.channel_id = m.channel_id AND mm.message_id = m.id))
        )::int AS mention_count
      FROM ch LEFT JOIN ${readStates} rs ON rs.user_id = ${userId}::bigint AND rs.channel_id = ch.channel_id`);
    return rowsOf<StateRow>(result).map((row) => ({
      channelId: row.channel_id,
      lastMessageId: row.last_message_id,
      mentionCount: Number(row.mention_count),
    }));
  }
}
