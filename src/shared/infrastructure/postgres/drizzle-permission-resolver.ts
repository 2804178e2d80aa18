import { eq, sql } from "drizzle-orm";
import { DM_PERMISSIONS, isGuildChannel } from "../../../domains/channel/domain/channel";
import type { Overwrite } from "../../../domains/channel/domain/overwrite";
import type { PermissionResolver, ResolvedChannel } from "../../../domains/channel/domain/permission-resolver";
import { computePermissions } from "../../../domains/guild/domain/compute-permissions";
import { isSnowflake } from "../../kernel/snowflake";
import { channels } from "./channel-schema";
import type { Db } from "./database";
import type { ChannelFactsQuery } from "./channel-facts-query";
import { channelColumns, toChannel } from "./drizzle-channel-repository";
import { guilds, memberRoles, members, roles } from "./guild-schema";

/** What permissions are computed from, as one row: the guild's owner and @everyone, the user's membership and roles. */
export interface GuildFacts {
  readonly ownerId: string | null;
  /** @everyone's permissions as text (bigint-exact on every driver); null when the guild does not exist. */
  readonly everyone: string | null;
  readonly member: boolean;
  readonly roles: readonly { id: string; permissions: string }[];
}

const USER = sql.placeholder("userId");

/**
 * A user's guild facts for the guild of the outer query's row. Written as SQL with explicit aliases: drizzle leaves
 * the columns of a single-table select unqualified, which would make these correlated subqueries ambiguous.
 */
const guildFactColumns = {
  ownerId: sql<string | null>`${guilds.ownerId}::text`,
  everyone: sql<string | null>`(SELECT e.permissions::text FROM ${roles} e WHERE e.id = "guilds"."id")`,
  member: sql<boolean>`EXISTS (SELECT 1 FROM ${members} m WHERE m.guild_id = "guilds"."id" AND m.user_id = ${USER})`,
  roles: sql<{ id: string; permissions: string }[]>`coalesce((SELECT json_agg(json_build_object('id', r.id::text, 'permissions', r.permissions::text))
    FROM ${memberRoles} mr JOIN ${roles} r ON r.id = mr.role_id WHERE mr.guild_id = "guilds"."id" AND mr.user_id = ${USER}), '[]'::json)`,
};

/** The guild's @everyone id is the guild id; non-members and unknown guilds get nothing. */
export const permissionsFrom = (facts: GuildFacts, guildId: string, userId: string, overwrites?: readonly Overwrite[]): bigint => {
  if (!facts.member || facts.ownerId === null || facts.everyone === null) return 0n;
  return computePermissions({
    ownerId: facts.ownerId,
    memberId: userId,
    everyoneRole: { id: guildId, permissions: BigInt(facts.everyone) },
    roles: facts.roles.map((role) => ({ id: role.id, permissions: BigInt(role.permissions) })),
    overwrites,
  });
};

/**
 * Permissions on Postgres/PGlite. The hot path, `forChannel`, is one prepared statement and so a single round trip
 * (see channel-facts-query.ts), after which `computePermissions` runs in process; the guild-wide reads go through
 * drizzle.
 */
export class DrizzlePermissionResolver implements PermissionResolver {
  private readonly guildQuery;
  private readonly guildChannelsQuery;

  constructor(
    db: Db,
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
      .where(eq(channels.guildId, sql.placeholder("guildId")))
      .prepare("resolve_guild_channels");
  }

  async forChannel(userId: string, channelId: string): Promise<ResolvedChannel | null> {
    if (!isSnowflake(channelId) || !isSnowflake(userId)) return null;
    const row = await this.channelFacts(channelId, userId);
    if (!row) return null;
    const channel = toChannel(row);
    if (!isGuildChannel(channel)) {
      return { channel, guildId: null, permissions: channel.recipientIds.includes(userId) ? DM_PERMISSIONS : 0n };
    }
    return { channel, guildId: channel.guildId, permissions: permissionsFrom(row, channel.guildId, userId, channel.overwrites) };
  }

  async channelsOf(userId: string, guildId: string): Promise<ResolvedChannel[]> {
    if (!isSnowflake(guildId)) return [];
    const [[facts], rows] = await Promise.all([this.guildQuery.execute({ userId, guildId }), this.guildChannelsQuery.execute({ guildId })]);
    if (!facts) return [];
    return rows.map((row) => {
      const channel = toChannel(row);
      const overwrites = isGuildChannel(channel) ? channel.overwrites : [];
      return { channel, guildId, permissions: permissionsFrom(facts, guildId, userId, overwrites) };
    });
  }

  async inGuild(userId: string, guildId: string, overwrites: readonly Overwrite[]): Promise<bigint> {
    const facts = await this.guildFacts(userId, guildId);
    return facts ? permissionsFrom(facts, guildId, userId, overwrites) : 0n;
  }

  /** A user's facts in one guild (for guild-wide checks). */
  async guildFacts(userId: string, guildId: string): Promise<GuildFacts | null> {
    // The user id may come from a path (a moderation target): one past int64 would fail in the query as a 500.
    if (!isSnowflake(guildId) || !isSnowflake(userId)) return null;
    const [facts] = await this.guildQuery.execute({ userId, guildId });
    return facts ?? null;
  }
}
