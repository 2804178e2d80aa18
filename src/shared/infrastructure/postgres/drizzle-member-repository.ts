import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import type { Ban } from "../../../domains/guild/domain/ban";
import type { Member } from "../../../domains/guild/domain/member";
import type { BanRepository, MemberRepository } from "../../../domains/guild/domain/member-repository";
import { isSnowflake } from "../../kernel/snowflake";
import type { DbExecutor } from "./database";
import { bans, memberRoles, members } from "./guild-schema";
import { users } from "./identity-schema";
import { deleteRows } from "./delete-rows";

/** A member row with its role ids gathered in the same query. */
const memberColumns = {
  guildId: members.guildId,
  userId: members.userId,
  nick: members.nick,
  joinedAt: members.joinedAt,
  // The outer table named in full: drizzle leaves a single-table select's columns unqualified.
  roleIds: sql<string[]>`coalesce((SELECT json_agg(mr.role_id::text ORDER BY mr.role_id)
    FROM ${memberRoles} mr WHERE mr.guild_id = "members"."guild_id" AND mr.user_id = "members"."user_id"), '[]'::json)`,
};

/** Memberships in Postgres; a member's roles live in member_roles. */
export class DrizzleMemberRepository implements MemberRepository {
  constructor(private readonly db: DbExecutor) {}

  async insert(member: Member): Promise<boolean> {
    const inserted = await this.db
      .insert(members)
      .values({ guildId: member.guildId, userId: member.userId, nick: member.nick, joinedAt: member.joinedAt })
      .onConflictDoNothing()
      .returning({ userId: members.userId });
    if (inserted.length === 0) return false;
    await this.insertRoles(member.guildId, member.userId, member.roleIds);
    return true;
  }

  async find(guildId: string, userId: string): Promise<Member | null> {
    if (!isSnowflake(guildId) || !isSnowflake(userId)) return null;
    const [row] = await this.db
      .select(memberColumns)
      .from(members)
      .where(and(eq(members.guildId, guildId), eq(members.userId, userId)))
      .limit(1);
    return row ?? null;
  }

  async twoFactorReady(userId: string): Promise<boolean> {
    if (!isSnowflake(userId)) return false;
    const [row] = await this.db.select({ ready: sql<boolean>`${users.mfaEnabled} OR ${users.bot}` }).from(users).where(eq(users.id, userId)).limit(1);
    return row?.ready ?? false;
  }

  async list(guildId: string, page: { limit: number; after?: string }): Promise<Member[]> {
    if (page.after !== undefined && !isSnowflake(page.after)) return [];
    return this.db
      .select(memberColumns)
      .from(members)
      .where(and(eq(members.guildId, guildId), page.after === undefined ? undefined : gt(members.userId, page.after)))
      .orderBy(asc(members.userId))
      .limit(page.limit);
  }

  async update(member: Member): Promise<void> {
    await this.db
      .update(members)
      .set({ nick: member.nick })
      .where(and(eq(members.guildId, member.guildId), eq(members.userId, member.userId)));
    await this.db.delete(memberRoles).where(and(eq(memberRoles.guildId, member.guildId), eq(memberRoles.userId, member.userId)));
    await this.insertRoles(member.guildId, member.userId, member.roleIds);
  }

  async addRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    const rows = await this.db.insert(memberRoles).values({ guildId, userId, roleId }).onConflictDoNothing().returning({ roleId: memberRoles.roleId });
    return rows.length > 0;
  }

  async removeRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    return deleteRows(this.db, memberRoles, and(eq(memberRoles.guildId, guildId), eq(memberRoles.userId, userId), eq(memberRoles.roleId, roleId)));
  }

  async delete(guildId: string, userId: string): Promise<boolean> {
    return deleteRows(this.db, members, and(eq(members.guildId, guildId), eq(members.userId, userId)));
  }

  async countForUser(userId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(members).where(eq(members.userId, userId));
    return Number(row?.n ?? 0);
  }

  async count(guildId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(members).where(eq(members.guildId, guildId));
    return Number(row?.n ?? 0);
  }

  private async insertRoles(guildId: string, userId: string, roleIds: readonly string[]): Promise<void> {
    if (roleIds.length === 0) return;
    await this.db.insert(memberRoles).values(roleIds.map((roleId) => ({ guildId, userId, roleId })));
  }
}

/** Bans in Postgres. */
export class DrizzleBanRepository implements BanRepository {
  constructor(private readonly db: DbExecutor) {}

  async find(guildId: string, userId: string): Promise<Ban | null> {
    if (!isSnowflake(userId)) return null;
    const [row] = await this.db
      .select()
      .from(bans)
      .where(and(eq(bans.guildId, guildId), eq(bans.userId, userId)))
      .limit(1);
    return row ?? null;
  }

  async list(guildId: string): Promise<Ban[]> {
    return this.db.select().from(bans).where(eq(bans.guildId, guildId)).orderBy(asc(bans.createdAt), asc(bans.userId));
  }

  async put(ban: Ban): Promise<void> {
    await this.db
      .insert(bans)
      .values(ban)
      .onConflictDoUpdate({ target: [bans.guildId, bans.userId], set: { reason: ban.reason } });
  }

  async delete(guildId: string, userId: string): Promise<boolean> {
    return deleteRows(this.db, bans, and(eq(bans.guildId, guildId), eq(bans.userId, userId)));
  }
}
