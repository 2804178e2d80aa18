import { and, asc, count, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import type { ThreadChannel, ThreadChannelType, ThreadMember } from "../../../domains/channel/domain/thread";
import type { ThreadPage, ThreadRepository } from "../../../domains/channel/domain/thread-repository";
import { DISCORD_EPOCH, LEGACY_EPOCH } from "../../kernel/snowflake";
import { channels, threadMembers } from "./channel-schema";
import { messages } from "./message-schema";
import { MessageFlags } from "../../../domains/message/domain/message";
import type { DbExecutor } from "./database";
import { deleteRows } from "./delete-rows";
import { channelColumns, toChannel } from "./drizzle-channel-repository";
import { rowsOf } from "./drizzle-message-rows";
import { violatedConstraint } from "./drizzle-user-repository";
import { postAlreadyPinned } from "../../../domains/channel/domain/forum";

const THREAD_TYPES = [11, 12];
const isThreadRow = inArray(channels.type, THREAD_TYPES);

const toMember = (row: typeof threadMembers.$inferSelect): ThreadMember => ({
  threadId: row.threadId,
  userId: row.userId,
  joinedAt: row.joinedAt.toISOString(),
  flags: row.flags,
});

/** The creation time (ms) of the snowflake `id` in SQL, either epoch (see snowflakeTimestamp). */
const snowflakeMs = (id: string) =>
  `(CASE WHEN (${id} >> 22) < ${LEGACY_EPOCH - DISCORD_EPOCH} THEN (${id} >> 22) + ${LEGACY_EPOCH} ELSE (${id} >> 22) + ${DISCORD_EPOCH} END)`;

/**
 * Threads idle for their whole auto-archive duration at `now` (ms): neither a message nor an archive change since.
 * Locked as they are taken, skipping those another worker holds; the lock re-checks each row, so a thread another
 * worker archived meanwhile is not taken twice.
 */
const archiveIdleStatement = (now: number, limit: number) => sql`WITH idle AS (
  SELECT c.id FROM ${channels} c
  WHERE c.type IN (11, 12) AND NOT c.thread_archived
    AND c.archive_timestamp <= to_timestamp((${now}::bigint - 60 * 60000) / 1000.0)
    AND greatest((extract(epoch FROM c.archive_timestamp) * 1000)::bigint,
      coalesce((SELECT ${sql.raw(snowflakeMs("max(m.id)"))} FROM messages m WHERE m.channel_id = c.id), 0)) <= ${now}::bigint - c.auto_archive_duration * 60000
  ORDER BY c.archive_timestamp
  LIMIT ${limit}
  FOR UPDATE SKIP LOCKED
)
UPDATE ${channels} SET thread_archived = true, archive_timestamp = to_timestamp(${now}::bigint / 1000.0)
FROM idle WHERE channels.id = idle.id AND NOT channels.thread_archived
RETURNING channels.id::text AS id`;

/** Threads and thread members in Postgres (rows of `channels` of types 11 and 12, and `thread_members`). */
export class DrizzleThreadRepository implements ThreadRepository {
  constructor(private readonly db: DbExecutor) {}

  async insert(thread: ThreadChannel, members: readonly ThreadMember[]): Promise<boolean> {
    const rows = await this.db
      .insert(channels)
      .values({
        id: thread.id,
        type: thread.type,
        guildId: thread.guildId,
        name: thread.name,
        parentId: thread.parentId,
        ownerId: thread.ownerId,
        rateLimitPerUser: thread.rateLimitPerUser,
        threadArchived: thread.metadata.archived,
        autoArchiveDuration: thread.metadata.autoArchiveDuration,
        archiveTimestamp: new Date(thread.metadata.archiveTimestamp),
        threadLocked: thread.metadata.locked,
        threadInvitable: thread.metadata.invitable,
        threadCreatedAt: new Date(thread.metadata.createTimestamp),
        appliedTags: thread.appliedTags ? [...thread.appliedTags] : null,
        flags: thread.flags,
      })
      .onConflictDoNothing()
      .returning({ id: channels.id });
    if (rows.length === 0) return false;
    for (const member of members) await this.addMember(member);
    return true;
  }

  async find(id: string): Promise<ThreadChannel | null> {
    const [row] = await this.db
      .select(channelColumns)
      .from(channels)
      .where(and(eq(channels.id, id), isThreadRow))
      .limit(1);
    return row ? (toChannel(row) as ThreadChannel) : null;
  }

  async findMany(ids: readonly string[]): Promise<ThreadChannel[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .select(channelColumns)
      .from(channels)
      .where(and(inArray(channels.id, [...ids]), isThreadRow));
    return rows.map((row) => toChannel(row) as ThreadChannel);
  }

  async flagStarterMessage(channelId: string, messageId: string): Promise<boolean> {
    const rows = await this.db
      .update(messages)
      .set({ flags: sql`${messages.flags} | ${MessageFlags.HAS_THREAD}` })
      .where(and(eq(messages.channelId, channelId), eq(messages.id, messageId)))
      .returning({ id: messages.id });
    return rows.length > 0;
  }

  async update(thread: ThreadChannel): Promise<void> {
    await this.db
      .update(channels)
      .set({
        name: thread.name,
        rateLimitPerUser: thread.rateLimitPerUser,
        threadArchived: thread.metadata.archived,
        autoArchiveDuration: thread.metadata.autoArchiveDuration,
        archiveTimestamp: new Date(thread.metadata.archiveTimestamp),
        threadLocked: thread.metadata.locked,
        threadInvitable: thread.metadata.invitable,
        appliedTags: thread.appliedTags ? [...thread.appliedTags] : null,
        flags: thread.flags,
      })
      .where(eq(channels.id, thread.id))
      .catch((error: unknown) => {
        // The partial unique index is what keeps two concurrent pins of one forum from both succeeding.
        if (violatedConstraint(error) === "channels_pinned_post_key") throw postAlreadyPinned();
        throw error;
      });
  }

  async delete(id: string): Promise<void> {
    await this.db.delete(channels).where(and(eq(channels.id, id), isThreadRow));
  }

  async addMember(member: ThreadMember): Promise<boolean> {
    const rows = await this.db
      .insert(threadMembers)
      .values({ threadId: member.threadId, userId: member.userId, joinedAt: new Date(member.joinedAt), flags: member.flags })
      .onConflictDoNothing()
      .returning({ userId: threadMembers.userId });
    return rows.length > 0;
  }

  async removeMember(threadId: string, userId: string): Promise<boolean> {
    return deleteRows(this.db, threadMembers, and(eq(threadMembers.threadId, threadId), eq(threadMembers.userId, userId)));
  }

  async findMember(threadId: string, userId: string): Promise<ThreadMember | null> {
    const [row] = await this.db
      .select()
      .from(threadMembers)
      .where(and(eq(threadMembers.threadId, threadId), eq(threadMembers.userId, userId)))
      .limit(1);
    return row ? toMember(row) : null;
  }

  async listMembers(threadId: string, page: { readonly after?: string; readonly limit: number }): Promise<ThreadMember[]> {
    const rows = await this.db
      .select()
      .from(threadMembers)
      .where(and(eq(threadMembers.threadId, threadId), page.after === undefined ? undefined : gt(threadMembers.userId, page.after)))
      .orderBy(asc(threadMembers.userId))
      .limit(page.limit);
    return rows.map(toMember);
  }

  async removeFromGuild(guildId: string, userId: string): Promise<string[]> {
    const rows = await this.db
      .delete(threadMembers)
      .where(
        and(
          eq(threadMembers.userId, userId),
          inArray(threadMembers.threadId, this.db.select({ id: channels.id }).from(channels).where(and(eq(channels.guildId, guildId), isThreadRow))),
        ),
      )
      .returning({ threadId: threadMembers.threadId });
    return rows.map((row) => row.threadId);
  }

  async memberIds(threadId: string): Promise<string[]> {
    const rows = await this.db.select({ userId: threadMembers.userId }).from(threadMembers).where(eq(threadMembers.threadId, threadId));
    return rows.map((row) => row.userId);
  }

  async membershipsOf(userId: string, threadIds: readonly string[]): Promise<ThreadMember[]> {
    if (threadIds.length === 0) return [];
    const rows = await this.db
      .select()
      .from(threadMembers)
      .where(and(eq(threadMembers.userId, userId), inArray(threadMembers.threadId, [...threadIds])));
    return rows.map(toMember);
  }

  async listActive(guildId: string): Promise<ThreadChannel[]> {
    const rows = await this.db
      .select(channelColumns)
      .from(channels)
      .where(and(eq(channels.guildId, guildId), isThreadRow, eq(channels.threadArchived, false)))
      .orderBy(desc(channels.id));
    return rows.map(toChannel) as ThreadChannel[];
  }

  async countActive(guildId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(channels)
      .where(and(eq(channels.guildId, guildId), isThreadRow, eq(channels.threadArchived, false)));
    return Number(row?.n ?? 0);
  }

  async listArchived(parentId: string, type: ThreadChannelType, page: { readonly before?: string; readonly limit: number }): Promise<ThreadPage> {
    const rows = await this.db
      .select(channelColumns)
      .from(channels)
      .where(
        and(
          eq(channels.parentId, parentId),
          eq(channels.type, type),
          eq(channels.threadArchived, true),
          page.before === undefined ? undefined : lt(channels.archiveTimestamp, new Date(page.before)),
        ),
      )
      .orderBy(desc(channels.archiveTimestamp), desc(channels.id))
      .limit(page.limit + 1);
    return { threads: rows.slice(0, page.limit).map(toChannel) as ThreadChannel[], hasMore: rows.length > page.limit };
  }

  async listJoinedArchived(parentId: string, userId: string, page: { readonly before?: string; readonly limit: number }): Promise<ThreadPage> {
    const rows = await this.db
      .select(channelColumns)
      .from(channels)
      .where(
        and(
          eq(channels.parentId, parentId),
          eq(channels.type, 12),
          eq(channels.threadArchived, true),
          sql`EXISTS (SELECT 1 FROM ${threadMembers} t WHERE t.thread_id = "channels"."id" AND t.user_id = ${userId})`,
          page.before === undefined ? undefined : lt(channels.id, page.before),
        ),
      )
      .orderBy(desc(channels.id))
      .limit(page.limit + 1);
    return { threads: rows.slice(0, page.limit).map(toChannel) as ThreadChannel[], hasMore: rows.length > page.limit };
  }

  async archiveIdle(now: number, limit: number): Promise<ThreadChannel[]> {
    const ids = rowsOf<{ id: string }>(await this.db.execute(archiveIdleStatement(Math.floor(now), limit))).map((row) => String(row.id));
    if (ids.length === 0) return [];
    const rows = await this.db.select(channelColumns).from(channels).where(inArray(channels.id, ids));
    return rows.map(toChannel) as ThreadChannel[];
  }
}
