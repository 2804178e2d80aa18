import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { AuthorMembership, MessageMembers } from "../../../domains/message/domain/message-members";
import type { DbExecutor } from "./database";
import { rowsOf } from "./drizzle-message-rows";
import { memberRoles, members, roles } from "./guild-schema";
import { channels } from "./channel-schema";

interface MembershipRow {
  nick: string | null;
  joined_at: string | Date;
  role_ids: string[] | null;
}

/**
 * Members and roles for messages, read from the guild tables. The author's membership is one statement on the
 * channel's and members' primary keys, which a send runs beside its permission check rather than after it.
 */
export class DrizzleMessageMembers implements MessageMembers {
  constructor(private readonly db: DbExecutor) {}

  async authorIn(channelId: string, userId: string): Promise<AuthorMembership | null> {
    const rows = rowsOf<MembershipRow>(
      await this.db.execute(sql`SELECT m.nick, m.joined_at,
          (SELECT array_agg(mr.role_id::text ORDER BY mr.role_id) FROM ${memberRoles} mr WHERE mr.guild_id = m.guild_id AND mr.user_id = m.user_id) AS role_ids
        FROM ${channels} c JOIN ${members} m ON m.guild_id = c.guild_id AND m.user_id = ${userId}
        WHERE c.id = ${channelId}`),
    );
    const row = rows[0];
    return row ? { nick: row.nick, joinedAt: new Date(row.joined_at), roleIds: row.role_ids ?? [] } : null;
  }

  async roles(guildId: string, ids: readonly string[]): Promise<{ id: string; mentionable: boolean }[]> {
    if (ids.length === 0) return [];
    return this.db
      .select({ id: roles.id, mentionable: roles.mentionable })
      .from(roles)
      .where(and(eq(roles.guildId, guildId), inArray(roles.id, [...ids]), ne(roles.id, guildId)));
  }
}
