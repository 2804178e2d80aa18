import type { PGlite } from "@electric-sql/pglite";
import type { Sql } from "postgres";
import type { GuildFacts } from "../../../domains/channel/domain/permission-facts";
import type { Database } from "./database";
import { type ChannelRow, lastMessageIdOf, threadCountsOf } from "./drizzle-channel-repository";

/**
 * A channel with its overwrites and one user's facts in its guild: everything `forChannel` computes from. A thread's
 * owner is `threadOwnerId` here (`ownerId` is the guild's), with its parent's overwrites and the user's membership.
 */
export type ChannelFactsRow = ChannelRow &
  GuildFacts & { threadOwnerId: string | null; parentOverwrites: ChannelRow["overwrites"] | null; threadMember: boolean };

/** Reads a channel's facts for a user in one round trip; undefined when the channel does not exist. */
export type ChannelFactsQuery = (channelId: string, userId: string) => Promise<ChannelFactsRow | undefined>;

/**
 * The hot path's statement. Primary-key and index lookups only: the channel; its guild's owner, @everyone and the
 * user's membership by left joins; its overwrites and the user's roles gathered as JSON (bitfields as text, which no
 * driver rounds). Aliases match the drizzle row shape so the same mapping reads both.
 */
const CHANNEL_FACTS = `SELECT c.id::text AS "id", c.type AS "type", c.guild_id::text AS "guildId", c.name AS "name",
  c.position AS "position", c.parent_id::text AS "parentId", c.topic AS "topic", c.user_limit AS "userLimit", c.video_quality_mode AS "videoQualityMode", ${lastMessageIdOf("c")} AS "lastMessageId",
  c.dm_low_user_id::text AS "dmLowUserId", c.dm_high_user_id::text AS "dmHighUserId",
  c.owner_id::text AS "threadOwnerId", c.rate_limit_per_user AS "rateLimitPerUser", c.thread_archived AS "threadArchived",
  c.auto_archive_duration AS "autoArchiveDuration", c.archive_timestamp AS "archiveTimestamp", c.thread_locked AS "threadLocked",
  c.thread_invitable AS "threadInvitable", c.thread_created_at AS "threadCreatedAt", c.flags AS "flags", c.available_tags AS "availableTags",
  c.default_reaction_emoji AS "defaultReactionEmoji", c.default_sort_order AS "defaultSortOrder", c.default_forum_layout AS "defaultForumLayout",
  c.default_thread_rate_limit_per_user AS "defaultThreadRateLimitPerUser", c.applied_tags AS "appliedTags",
  ${threadCountsOf("c").messageCount} AS "messageCount", ${threadCountsOf("c").memberCount} AS "memberCount",
  (CASE WHEN c.type IN (11, 12) THEN coalesce((SELECT json_agg(json_build_object('id', o.target_id::text, 'type', o.type, 'allow', o.allow::text, 'deny', o.deny::text)
    ORDER BY o.target_id) FROM permission_overwrites o WHERE o.channel_id = c.parent_id), '[]'::json) END) AS "parentOverwrites",
  (c.type IN (11, 12) AND EXISTS (SELECT 1 FROM thread_members t WHERE t.thread_id = c.id AND t.user_id = $2)) AS "threadMember",
  coalesce((SELECT json_agg(json_build_object('id', o.target_id::text, 'type', o.type, 'allow', o.allow::text, 'deny', o.deny::text)
    ORDER BY o.target_id) FROM permission_overwrites o WHERE o.channel_id = c.id), '[]'::json) AS "overwrites",
  g.owner_id::text AS "ownerId", e.permissions::text AS "everyone", (m.user_id IS NOT NULL) AS "member",
  (coalesce(g.mfa_level, 0) = 1 AND NOT coalesce((SELECT u.mfa_enabled OR u.bot FROM users u WHERE u.id = $2), false)) AS "twoFactorMissing",
  coalesce((SELECT json_agg(json_build_object('id', r.id::text, 'permissions', r.permissions::text))
    FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.guild_id = c.guild_id AND mr.user_id = $2), '[]'::json) AS "roles"
FROM channels c
LEFT JOIN guilds g ON g.id = c.guild_id
LEFT JOIN roles e ON e.id = c.guild_id
LEFT JOIN members m ON m.guild_id = c.guild_id AND m.user_id = $2
WHERE c.id = $1`;

let statements = 0;

/**
 * The statement on the raw driver, prepared once per session. Drizzle's per-query work is a third of the cost on
 * Postgres, and PGlite re-plans every query it is sent, which makes planning most of the cost there (about 1 ms
 * against 0.2 ms for EXECUTE of a statement PREPAREd once; see bench/permissions.ts). postgres-js prepares by itself
 * unless the pool is configured for PgBouncer.
 */
export const channelFactsQuery = (database: Pick<Database, "db" | "kind">): ChannelFactsQuery => {
  if (database.kind === "postgres") {
    const client = (database.db as unknown as { $client: Sql }).$client;
    return async (channelId, userId) => {
      const rows = await client.unsafe<ChannelFactsRow[]>(CHANNEL_FACTS, [channelId, userId], { prepare: client.options.prepare });
      return rows[0];
    };
  }
  const pglite = (database.db as unknown as { $client: PGlite }).$client;
  const name = `channel_facts_${++statements}`;
  let prepared: Promise<unknown> | undefined;
  return async (channelId, userId) => {
    prepared ??= pglite.exec(`PREPARE ${name}(bigint, bigint) AS ${CHANNEL_FACTS}`).catch((error: unknown) => {
      prepared = undefined;
      throw error;
    });
    await prepared;
    // EXECUTE takes no bind parameters; both ids are checked snowflakes (BigInt rejects anything but digits).
    const result = await pglite.query<ChannelFactsRow>(`EXECUTE ${name}(${BigInt(channelId)}, ${BigInt(userId)})`);
    return result.rows[0];
  };
};
