import { and, eq } from "drizzle-orm";
import type { GuildAccess, GuildStanding } from "../../../domains/channel/domain/guild-access";
import { isSnowflake } from "../../kernel/snowflake";
import type { Db } from "./database";
import { type DrizzlePermissionResolver, permissionsFrom } from "./drizzle-permission-resolver";
import { members, roles } from "./guild-schema";

/** The channel domain's view of guilds, read straight from the guild tables (an adapter may join across domains). */
export class DrizzleGuildAccess implements GuildAccess {
  constructor(
    private readonly db: Db,
    private readonly resolver: DrizzlePermissionResolver,
  ) {}

  async standing(guildId: string, userId: string): Promise<GuildStanding | null> {
    const facts = await this.resolver.guildFacts(userId, guildId);
    if (!facts || facts.ownerId === null) return null;
    return { guildId, ownerId: facts.ownerId, member: facts.member, permissions: permissionsFrom(facts, guildId, userId) };
  }

  async hasRole(guildId: string, roleId: string): Promise<boolean> {
    if (!isSnowflake(roleId)) return false;
    const rows = await this.db
      .select({ id: roles.id })
      .from(roles)
      .where(and(eq(roles.id, roleId), eq(roles.guildId, guildId)))
      .limit(1);
    return rows.length > 0;
  }

  async hasMember(guildId: string, userId: string): Promise<boolean> {
    if (!isSnowflake(userId)) return false;
    const rows = await this.db
      .select({ userId: members.userId })
      .from(members)
      .where(and(eq(members.guildId, guildId), eq(members.userId, userId)))
      .limit(1);
    return rows.length > 0;
  }
}
