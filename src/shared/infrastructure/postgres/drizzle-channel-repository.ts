import { and, desc, eq, getTableColumns, inArray, notInArray, or, sql } from "drizzle-orm";
import { ChannelType, type Channel, type DmChannel, type GuildChannel, type GuildChannelType } from "../../../domains/channel/domain/channel";
import type { ForumSettings } from "../../../domains/channel/domain/forum";
import { type AutoArchiveDuration, type ThreadChannel, type ThreadChannelType, isThreadType } from "../../../domains/channel/domain/thread";
import type { ChannelRepository } from "../../../domains/channel/domain/channel-repository";
import type { Overwrite } from "../../../domains/channel/domain/overwrite";
import { isSnowflake } from "../../kernel/snowflake";
import { channels, permissionOverwrites } from "./channel-schema";
import { type DbExecutor, preparedOnce } from "./database";
import { deleteRows } from "./delete-rows";

/** Overwrites as json_agg hands them over: bitfields as text, so that no driver rounds them. */
interface OverwriteJson {
  readonly id: string;
  readonly type: 0 | 1;
  readonly allow: string;
  readonly deny: string;
}

/**
 * The newest message id of the channel named by the outer query's `alias`, read from the end of the messages primary
 * key (channel_id, id). Derived, never stored: a stored copy was one row every send to a channel queued on.
 */
export const lastMessageIdOf = (alias: string) => `(SELECT max(m.id)::text FROM messages m WHERE m.channel_id = ${alias}.id)`;

/**
 * Threads' message and member counts, derived when read (nothing else pays for them: other channels skip both). As
 * on Discord, a forum post's starter message (the one with the thread's id) is not counted.
 */
export const threadCountsOf = (alias: string) => ({
  messageCount: `(CASE WHEN ${alias}.type IN (11, 12) THEN (SELECT count(*)::int FROM messages m WHERE m.channel_id = ${alias}.id AND m.id <> ${alias}.id) ELSE 0 END)`,
  memberCount: `(CASE WHEN ${alias}.type IN (11, 12) THEN (SELECT count(*)::int FROM thread_members t WHERE t.thread_id = ${alias}.id) ELSE 0 END)`,
});

const THREAD_TYPES = [ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD];

/** A channel row with its overwrites gathered in the same query (the outer table named in full: drizzle leaves it unqualified). */
export const channelColumns = {
  ...getTableColumns(channels),
  lastMessageId: sql<string | null>`${sql.raw(lastMessageIdOf('"channels"'))}`,
  messageCount: sql<number>`${sql.raw(threadCountsOf('"channels"').messageCount)}`,
  memberCount: sql<number>`${sql.raw(threadCountsOf('"channels"').memberCount)}`,
  overwrites: sql<OverwriteJson[]>`coalesce((SELECT json_agg(json_build_object('id', o.target_id::text, 'type', o.type,
    'allow', o.allow::text, 'deny', o.deny::text) ORDER BY o.target_id) FROM ${permissionOverwrites} o WHERE o.channel_id = "channels"."id"), '[]'::json)`,
};

export type ChannelRow = Omit<typeof channels.$inferSelect, "archiveTimestamp" | "threadCreatedAt"> & {
  lastMessageId: string | null;
  overwrites: OverwriteJson[];
  messageCount: number | string;
  memberCount: number | string;
  /** A Date through drizzle, ISO text from the raw facts query. */
  archiveTimestamp: Date | string | null;
  threadCreatedAt: Date | string | null;
};

const isoOf = (value: Date | string | null): string => (value === null ? new Date(0).toISOString() : new Date(value).toISOString());

const toThread = (row: ChannelRow): ThreadChannel => ({
  id: row.id,
  type: row.type as ThreadChannelType,
  guildId: row.guildId ?? "",
  parentId: row.parentId ?? "",
  ownerId: row.ownerId ?? "",
  name: row.name ?? "",
  rateLimitPerUser: row.rateLimitPerUser,
  lastMessageId: row.lastMessageId,
  messageCount: Number(row.messageCount),
  memberCount: Number(row.memberCount),
  appliedTags: row.appliedTags ?? null,
  flags: row.flags,
  metadata: {
    archived: row.threadArchived,
    autoArchiveDuration: (row.autoArchiveDuration ?? 1440) as AutoArchiveDuration,
    archiveTimestamp: isoOf(row.archiveTimestamp),
    locked: row.threadLocked,
    invitable: row.threadInvitable,
    createTimestamp: isoOf(row.threadCreatedAt),
  },
});

export const toOverwrite = (json: OverwriteJson): Overwrite => ({
  id: json.id,
  type: json.type,
  allow: BigInt(json.allow),
  deny: BigInt(json.deny),
});

const toForum = (row: ChannelRow): ForumSettings => ({
  availableTags: row.availableTags ?? [],
  defaultReactionEmoji: row.defaultReactionEmoji ?? null,
  defaultSortOrder: row.defaultSortOrder === 0 || row.defaultSortOrder === 1 ? row.defaultSortOrder : null,
  defaultForumLayout: row.defaultForumLayout === 1 || row.defaultForumLayout === 2 ? row.defaultForumLayout : 0,
  defaultThreadRateLimitPerUser: row.defaultThreadRateLimitPerUser ?? 0,
  flags: row.flags,
});

/** A forum's settings as columns; other channels store their defaults (null, and flags 0). */
const forumColumns = (forum: ForumSettings | undefined) => ({
  flags: forum?.flags ?? 0,
  availableTags: forum ? [...forum.availableTags] : null,
  defaultReactionEmoji: forum?.defaultReactionEmoji ?? null,
  defaultSortOrder: forum?.defaultSortOrder ?? null,
  defaultForumLayout: forum?.defaultForumLayout ?? null,
  defaultThreadRateLimitPerUser: forum?.defaultThreadRateLimitPerUser ?? null,
});

export const toChannel = (row: ChannelRow): Channel => {
  if (isThreadType(row.type)) return toThread(row);
  if (row.type === ChannelType.DM) {
    return { id: row.id, type: ChannelType.DM, recipientIds: [row.dmLowUserId ?? "", row.dmHighUserId ?? ""], lastMessageId: row.lastMessageId };
  }
  return {
    id: row.id,
    type: row.type as GuildChannelType,
    guildId: row.guildId ?? "",
    name: row.name ?? "",
    position: row.position ?? 0,
    parentId: row.parentId,
    topic: row.topic,
    userLimit: row.userLimit,
    rateLimitPerUser: row.rateLimitPerUser,
    ...(row.type === ChannelType.GUILD_VOICE ? { videoQualityMode: row.videoQualityMode === 2 ? 2 : 1 } : {}),
    ...(row.type === ChannelType.GUILD_FORUM ? { forum: toForum(row) } : {}),
    overwrites: row.overwrites.map(toOverwrite),
    lastMessageId: row.lastMessageId,
  };
};

const overwriteRow = (channelId: string, overwrite: Overwrite) => ({
  channelId,
  targetId: overwrite.id,
  type: overwrite.type,
  allow: overwrite.allow,
  deny: overwrite.deny,
});

/** Channels and overwrites in Postgres. */
export class DrizzleChannelRepository implements ChannelRepository {
  /** READY reads it for every session that identifies. */
  private readonly dmsQuery = preparedOnce(() =>
    this.db
      .select(channelColumns)
      .from(channels)
      .where(or(eq(channels.dmLowUserId, sql.placeholder("userId")), eq(channels.dmHighUserId, sql.placeholder("userId"))))
      .orderBy(desc(channels.id))
      .prepare("dm_channels_of"),
  );

  constructor(private readonly db: DbExecutor) {}

  async insert(channel: GuildChannel): Promise<void> {
    const { overwrites, forum, ...fields } = channel;
    await this.db.insert(channels).values({ ...fields, ...forumColumns(forum) });
    if (overwrites.length > 0) await this.db.insert(permissionOverwrites).values(overwrites.map((o) => overwriteRow(channel.id, o)));
  }

  async find(id: string): Promise<Channel | null> {
    if (!isSnowflake(id)) return null;
    const [row] = await this.db.select(channelColumns).from(channels).where(eq(channels.id, id)).limit(1);
    return row ? toChannel(row) : null;
  }

  async listByGuild(guildId: string): Promise<GuildChannel[]> {
    const rows = await this.db
      .select(channelColumns)
      .from(channels)
      .where(and(eq(channels.guildId, guildId), notInArray(channels.type, THREAD_TYPES)));
    return rows.map(toChannel) as GuildChannel[];
  }

  async update(changed: readonly GuildChannel[]): Promise<void> {
    for (const channel of changed) {
      await this.db
        .update(channels)
        .set({
          name: channel.name,
          topic: channel.topic,
          userLimit: channel.userLimit,
          rateLimitPerUser: channel.rateLimitPerUser,
          videoQualityMode: channel.videoQualityMode ?? null,
          position: channel.position,
          parentId: channel.parentId,
          ...forumColumns(channel.forum),
        })
        .where(eq(channels.id, channel.id));
    }
  }

  async delete(id: string): Promise<void> {
    // A channel's threads go with it (the parent key would only un-parent them, as it does a category's channels).
    await this.db.delete(channels).where(and(eq(channels.parentId, id), inArray(channels.type, THREAD_TYPES)));
    await this.db.delete(channels).where(eq(channels.id, id));
  }

  async replaceOverwrites(channelId: string, overwrites: readonly Overwrite[]): Promise<void> {
    await this.db.delete(permissionOverwrites).where(eq(permissionOverwrites.channelId, channelId));
    if (overwrites.length > 0) await this.db.insert(permissionOverwrites).values(overwrites.map((o) => overwriteRow(channelId, o)));
  }

  async putOverwrite(channelId: string, overwrite: Overwrite): Promise<void> {
    await this.db
      .insert(permissionOverwrites)
      .values(overwriteRow(channelId, overwrite))
      .onConflictDoUpdate({
        target: [permissionOverwrites.channelId, permissionOverwrites.targetId],
        set: { type: overwrite.type, allow: overwrite.allow, deny: overwrite.deny },
      });
  }

  async deleteOverwrite(channelId: string, targetId: string): Promise<boolean> {
    return deleteRows(this.db, permissionOverwrites, and(eq(permissionOverwrites.channelId, channelId), eq(permissionOverwrites.targetId, targetId)));
  }

  async findDm(pair: readonly [string, string]): Promise<DmChannel | null> {
    const [row] = await this.db
      .select(channelColumns)
      .from(channels)
      .where(and(eq(channels.dmLowUserId, pair[0]), eq(channels.dmHighUserId, pair[1])))
      .limit(1);
    return row ? (toChannel(row) as DmChannel) : null;
  }

  async insertDm(channel: DmChannel): Promise<boolean> {
    const [low, high] = channel.recipientIds;
    const rows = await this.db
      .insert(channels)
      .values({ id: channel.id, type: ChannelType.DM, dmLowUserId: low, dmHighUserId: high })
      .onConflictDoNothing()
      .returning({ id: channels.id });
    return rows.length > 0;
  }

  async listDms(userId: string): Promise<DmChannel[]> {
    const rows = await this.dmsQuery().execute({ userId });
    return rows.map(toChannel) as DmChannel[];
  }
}
