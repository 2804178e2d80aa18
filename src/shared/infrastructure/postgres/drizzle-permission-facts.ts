import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Channel } from "../../../domains/channel/domain/channel";
import type { ChannelFacts, GuildFacts, PermissionFacts } from "../../../domains/channel/domain/permission-facts";
import { channels } from "./channel-schema";
import type { ChannelFactsQuery } from "./channel-facts-query";
import type { Db } from "./database";
import { channelColumns, toChannel, toOverwrite } from "./drizzle-channel-repository";
import { guilds, memberRoles, members, roles } from "./guild-schema";
import { guildEmojis } from "./emoji-schema";
import { users } from "./identity-schema";

const USER = sql.placeholder("userId");

/** True when the query finds a row. */
const found = async (query: PromiseLike<readonly unknown[]>): Promise<boolean> => (await query).length > 0;

/**
 * A user's guild facts for the guild of the outer query's row. Written as SQL with explicit aliases: drizzle leaves
 * the columns of a single-table select unqualified, which would make these correlated subqueries ambiguous.
 */
const guildFactColumns = {
  ownerId: sql<string | null>`${guilds.ownerId}::text`,
  everyone: sql<string | null>`(SELECT e.permissions::text FROM ${roles} e WHERE e.id = "guilds"."id")`,
  member: sql<boolean>`EXISTS (SELECT 1 FROM ${members} m WHERE m.guild_id = "guilds"."id" AND m.user_id = ${USER})`,
  twoFactorMissing: sql<boolean>`("guilds"."mfa_level" = 1 AND NOT coalesce((SELECT u.mfa_enabled OR u.bot FROM ${users} u WHERE u.id = ${USER}), false))`,
  roles: sql<{ id: string; permissions: string }[]>`coalesce((SELECT json_agg(json_build_object('id', r.id::text, 'permissions', r.permissions::text))
    FROM ${memberRoles} mr JOIN ${roles} r ON r.id = mr.role_id WHERE mr.guild_id = "guilds"."id" AND mr.user_id = ${USER}), '[]'::json)`,
};

/**
 * Permission facts on Postgres/PGlite; the channel domain computes from them (permission-rules.ts). The hot path,
 * `channel`, is one prepared statement and so a single round trip (see channel-facts-query.ts); the guild-wide reads
 * go through drizzle. The guild tables are read here for the channel domain: an adapter may join across domains.
 */
export class DrizzlePermissionFacts implements PermissionFacts {
  private readonly guildQuery;
  private readonly guildChannelsQuery;

  constructor(
    private readonly db: Db,
    private readonly channelFacts: ChannelFactsQuery,
  ) {
    this.guildQuery = db
      .select(guildFactColumns)
      .from(guilds)
      .where(eq(guilds.id, sql.placeholder("guildId")))
      .prepare("resolve_guild_facts");
    this.guildChannelsQuery = db
      .select(channelColumns)
      .from(channels)
      .where(and(eq(channels.guildId, sql.placeholder("guildId")), notInArray(channels.type, [11, 12])))
      .prepare("resolve_guild_channels");
  }

  async channel(channelId: string, userId: string): Promise<ChannelFacts | null> {
    const row = await this.channelFacts(channelId, userId);
    if (!row) return null;
    // The row holds the guild facts under their own names; a thread's owner under its own.
    const channel = toChannel({ ...row, ownerId: row.threadOwnerId });
    const thread = row.parentOverwrites ? { parentOverwrites: row.parentOverwrites.map(toOverwrite), member: row.threadMember } : undefined;
    return { channel, guild: row, ...(thread ? { thread } : {}) };
  }

  async guild(guildId: string, userId: string): Promise<GuildFacts | null> {
    const [facts] = await this.guildQuery.execute({ userId, guildId });
    return facts ?? null;
  }

  async channelsOf(guildId: string): Promise<Channel[]> {
    const rows = await this.guildChannelsQuery.execute({ guildId });
    return rows.map(toChannel);
  }

  async hasRole(guildId: string, roleId: string): Promise<boolean> {
    return found(this.db.select({ id: roles.id }).from(roles).where(and(eq(roles.id, roleId), eq(roles.guildId, guildId))).limit(1));
  }

  async hasMember(guildId: string, userId: string): Promise<boolean> {
    return found(this.db.select({ userId: members.userId }).from(members).where(and(eq(members.guildId, guildId), eq(members.userId, userId))).limit(1));
  }

  async hasEmoji(guildId: string, emojiId: string): Promise<boolean> {
    return found(this.db.select({ id: guildEmojis.id }).from(guildEmojis).where(and(eq(guildEmojis.id, emojiId), eq(guildEmojis.guildId, guildId))).limit(1));
  }
}
