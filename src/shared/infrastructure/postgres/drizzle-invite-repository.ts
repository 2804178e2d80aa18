import { and, asc, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Invite } from "../../../domains/guild/domain/invite";
import type { InviteRepository } from "../../../domains/guild/domain/invite-repository";
import type { DbExecutor } from "./database";
import { invites } from "./invite-schema";

const usableAt = (now: Date) =>
  and(or(isNull(invites.expiresAt), gt(invites.expiresAt, now)), or(eq(invites.maxUses, 0), lt(invites.uses, invites.maxUses)));

/** Invites in Postgres. */
export class DrizzleInviteRepository implements InviteRepository {
  constructor(private readonly db: DbExecutor) {}

  async insert(invite: Invite): Promise<boolean> {
    const rows = await this.db.insert(invites).values(invite).onConflictDoNothing().returning({ code: invites.code });
    return rows.length > 0;
  }

  async find(code: string): Promise<Invite | null> {
    const [row] = await this.db.select().from(invites).where(eq(invites.code, code)).limit(1);
    return row ?? null;
  }

  async listUsable(guildId: string, now: Date): Promise<Invite[]> {
    return this.db
      .select()
      .from(invites)
      .where(and(eq(invites.guildId, guildId), usableAt(now)))
      .orderBy(asc(invites.createdAt), asc(invites.code));
  }

  async consumeUse(code: string, now: Date): Promise<boolean> {
    // The row lock serialises concurrent joins; each re-checks `uses < max_uses` after the previous one commits.
    const rows = await this.db
      .update(invites)
      .set({ uses: sql`${invites.uses} + 1` })
      .where(and(eq(invites.code, code), usableAt(now)))
      .returning({ code: invites.code });
    return rows.length > 0;
  }

  async delete(code: string): Promise<boolean> {
    const rows = await this.db.delete(invites).where(eq(invites.code, code)).returning({ code: invites.code });
    return rows.length > 0;
  }
}
