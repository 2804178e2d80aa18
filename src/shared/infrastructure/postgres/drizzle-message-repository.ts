import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Message } from "../../../domains/message/domain/message";
import type { HistoryPage, MessageRepository, NewMessage, NonceKey, SearchQuery } from "../../../domains/message/domain/message-repository";
import { MessageFlags, PINS_MAX } from "../../../domains/message/domain/message";
import type { SnowflakeRange } from "../../kernel/snowflake";
import type { DbExecutor } from "./database";
import { preparedReads, shapeOf } from "./drizzle-message-history";
import { type MessageRow, messageColumns, rowsOf, toMessage } from "./drizzle-message-rows";
import { messageNonces, messages } from "./message-schema";

/** Messages in Postgres: history pages are range scans of the (channel_id, id) primary key, never OFFSET. */
export class DrizzleMessageRepository implements MessageRepository {
  private reads: ReturnType<typeof preparedReads> | undefined;

  constructor(private readonly db: DbExecutor) {}

  private get prepared() {
    this.reads ??= preparedReads(this.db);
    return this.reads;
  }

  /** A range, newest first. */
  private async range(channelId: string, range: { before?: string; after?: string; from?: string; limit: number }, viewerId: string): Promise<Message[]> {
    const shape = shapeOf(range);
    const anchor = range.before ?? range.after ?? range.from;
    const rows = (await this.prepared.history[shape].execute({ channelId, anchor, limit: range.limit, viewer: viewerId })) as MessageRow[];
    const messages = rows.map(toMessage);
    return shape === "after" || shape === "from" ? messages.reverse() : messages;
  }

  async history(channelId: string, page: HistoryPage, viewerId: string): Promise<Message[]> {
    if (page.after !== undefined) return this.range(channelId, { after: page.after, limit: page.limit }, viewerId);
    if (page.around !== undefined) {
      const older = Math.floor(page.limit / 2);
      const [newer, before] = await Promise.all([
        this.range(channelId, { from: page.around, limit: page.limit - older }, viewerId),
        older === 0 ? Promise.resolve([]) : this.range(channelId, { before: page.around, limit: older }, viewerId),
      ]);
      return [...newer, ...before];
    }
    return this.range(channelId, { before: page.before, limit: page.limit }, viewerId);
  }

  async find(channelId: string, id: string, viewerId: string): Promise<Message | null> {
    const [row] = (await this.prepared.find.execute({ channelId, id, viewer: viewerId })) as MessageRow[];
    return row ? toMessage(row) : null;
  }

  async existing(channelId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.channelId, channelId), inArray(messages.id, [...ids])));
    return rows.map((row) => row.id);
  }

  async pinned(channelId: string, viewerId: string): Promise<Message[]> {
    const rows = await this.db
      .select(messageColumns(viewerId))
      .from(messages)
      .where(and(eq(messages.channelId, channelId), isNotNull(messages.pinnedAt)))
      .orderBy(desc(messages.pinnedAt), desc(messages.id))
      .limit(PINS_MAX);
    return (rows as MessageRow[]).map(toMessage);
  }

  async pinnedBefore(channelId: string, before: Date | undefined, limit: number, viewerId: string): Promise<{ pinnedAt: Date; message: Message }[]> {
    const rows = await this.db
      .select(messageColumns(viewerId))
      .from(messages)
      .where(and(eq(messages.channelId, channelId), isNotNull(messages.pinnedAt), before ? lt(messages.pinnedAt, before) : undefined))
      .orderBy(desc(messages.pinnedAt), desc(messages.id))
      .limit(limit);
    return (rows as MessageRow[]).map((row) => ({ pinnedAt: row.pinnedAt as Date, message: toMessage(row) }));
  }

  async search(query: SearchQuery, viewerId: string): Promise<{ total: number; messages: Message[] }> {
    const where = and(
      inArray(messages.channelId, [...query.channelIds]),
      query.content !== undefined ? sql`${messages.search} @@ plainto_tsquery('simple'::regconfig, ${query.content})` : undefined,
      query.authorId !== undefined ? eq(messages.authorId, query.authorId) : undefined,
    );
    const [[total], rows] = await Promise.all([
      this.db.select({ total: count() }).from(messages).where(where),
      this.db.select(messageColumns(viewerId)).from(messages).where(where).orderBy(desc(messages.id)).limit(query.limit).offset(query.offset),
    ]);
    return { total: Number(total?.total ?? 0), messages: (rows as MessageRow[]).map(toMessage) };
  }

  async findByNonce(key: NonceKey, since: Date): Promise<string | null> {
    const [row] = await this.db
      .select({ messageId: messageNonces.messageId })
      .from(messageNonces)
      .where(and(...nonceIs(key), gte(messageNonces.createdAt, since)));
    return row?.messageId ?? null;
  }

  async authoredIn(guildId: string, authorId: string, range: SnowflakeRange): Promise<{ channelId: string; ids: string[] }[]> {
    const rows = await this.db
      .select({ channelId: messages.channelId, ids: sql<string[]>`array_agg(${messages.id}::text ORDER BY ${messages.id})` })
      .from(messages)
      .where(
        and(eq(messages.guildId, guildId), eq(messages.authorId, authorId), gte(messages.id, range.from), range.below === undefined ? undefined : lt(messages.id, range.below)),
      )
      .groupBy(messages.channelId);
    return rows;
  }

  async insert(message: NewMessage): Promise<void> {
    await this.db.insert(messages).values({
      id: message.id,
      channelId: message.channelId,
      guildId: message.guildId,
      authorId: message.authorId,
      content: message.content,
      mentionIds: [...message.mentionIds],
      mentionEveryone: message.mentionEveryone,
      hasAttachments: message.hasAttachments,
      type: message.type,
      flags: message.flags,
      embeds: message.embeds.length > 0 ? message.embeds : null,
      mentionRoleIds: [...message.mentionRoleIds],
      referenceId: message.reference?.messageId ?? null,
      webhookId: message.webhook?.id ?? null,
      webhookUsername: message.webhook?.username ?? null,
      webhookAvatar: message.webhook?.avatar ?? null,
    });
  }

  async claimNonce(key: NonceKey, messageId: string, now: Date, staleBefore: Date): Promise<boolean> {
    const rows = await this.db
      .insert(messageNonces)
      .values({ ...key, messageId, createdAt: now })
      .onConflictDoUpdate({
        target: [messageNonces.channelId, messageNonces.authorId, messageNonces.nonce],
        set: { messageId, createdAt: now },
        setWhere: lt(messageNonces.createdAt, staleBefore),
      })
      .returning({ messageId: messageNonces.messageId });
    return rows.length > 0;
  }

  async update(message: Message): Promise<void> {
    await this.db
      .update(messages)
      .set({
        content: message.content,
        editedAt: message.editedAt,
        mentionIds: [...message.mentionIds],
        mentionEveryone: message.mentionEveryone,
        mentionRoleIds: [...message.mentionRoleIds],
        // HAS_THREAD is the thread start's to set (in its own transaction): an edit leaves the stored bit as it is.
        flags: sql`(${messages.flags} & ${MessageFlags.HAS_THREAD}) | ${message.flags & ~MessageFlags.HAS_THREAD}`,
        embeds: message.embeds.length > 0 ? message.embeds : null,
        hasAttachments: message.attachments.length > 0,
      })
      .where(and(eq(messages.channelId, message.channelId), eq(messages.id, message.id)));
  }

  async delete(channelId: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .delete(messages)
      .where(and(eq(messages.channelId, channelId), inArray(messages.id, [...ids])))
      .returning({ id: messages.id });
    return rows.map((row) => row.id);
  }

  async setPinned(channelId: string, id: string, pinnedAt: Date | null): Promise<boolean> {
    const rows = await this.db
      .update(messages)
      .set({ pinnedAt })
      .where(and(eq(messages.channelId, channelId), eq(messages.id, id), pinnedAt ? isNull(messages.pinnedAt) : isNotNull(messages.pinnedAt)))
      .returning({ id: messages.id });
    return rows.length > 0;
  }

  async lockPins(channelId: string): Promise<number> {
    // A transaction-scoped advisory lock per channel: pins of one channel take turns, other channels never wait.
    await this.db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`xcord.pins:${channelId}`}, 0))`);
    const rows = rowsOf<{ pins: number }>(
      await this.db.execute(sql`SELECT count(*)::int AS pins FROM ${messages} WHERE channel_id = ${channelId} AND pinned_at IS NOT NULL`),
    );
    return Number(rows[0]?.pins ?? 0);
  }

  async purgeNonces(before: Date): Promise<number> {
    const rows = await this.db.delete(messageNonces).where(lt(messageNonces.createdAt, before)).returning({ nonce: messageNonces.nonce });
    return rows.length;
  }
}

const nonceIs = (key: NonceKey) => [
  eq(messageNonces.channelId, key.channelId),
  eq(messageNonces.authorId, key.authorId),
  eq(messageNonces.nonce, key.nonce),
];
