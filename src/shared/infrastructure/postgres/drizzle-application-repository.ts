import { and, asc, count, eq, gte, isNull, lt } from "drizzle-orm";
import type { Application } from "../../../domains/identity/domain/application";
import type { ApplicationRepository, BotCredential, BotTokenRecord } from "../../../domains/identity/domain/application-repository";
import type { DbExecutor } from "./database";
import { applications, botTokens } from "./identity-schema";

/** Applications and bot tokens in Postgres; multi-statement work runs inside the identity unit of work. */
export class DrizzleApplicationRepository implements ApplicationRepository {
  constructor(private readonly db: DbExecutor) {}

  async insert(application: Application): Promise<void> {
    await this.db.insert(applications).values(application);
  }

  async find(id: string): Promise<Application | null> {
    const [row] = await this.db.select().from(applications).where(eq(applications.id, id)).limit(1);
    return row ?? null;
  }

  async findByBot(botUserId: string): Promise<Application | null> {
    const [row] = await this.db.select().from(applications).where(eq(applications.botUserId, botUserId)).limit(1);
    return row ?? null;
  }

  async listByOwner(ownerId: string): Promise<Application[]> {
    return this.db.select().from(applications).where(eq(applications.ownerId, ownerId)).orderBy(asc(applications.id));
  }

  async countByOwner(ownerId: string): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(applications).where(eq(applications.ownerId, ownerId));
    return Number(row?.n ?? 0);
  }

  async update(application: Application): Promise<void> {
    await this.db
      .update(applications)
      .set({ name: application.name, description: application.description, flags: application.flags })
      .where(eq(applications.id, application.id));
  }

  async attachBot(applicationId: string, botUserId: string): Promise<boolean> {
    const rows = await this.db
      .update(applications)
      .set({ botUserId })
      .where(and(eq(applications.id, applicationId), isNull(applications.botUserId)))
      .returning({ id: applications.id });
    return rows.length > 0;
  }

  async insertBotToken(token: BotTokenRecord): Promise<void> {
    await this.db.insert(botTokens).values(token);
  }

  async revokeBotTokens(applicationId: string, now: Date): Promise<BotTokenRecord[]> {
    return this.db
      .update(botTokens)
      .set({ revokedAt: now })
      .where(and(eq(botTokens.applicationId, applicationId), isNull(botTokens.revokedAt)))
      .returning();
  }

  async findCredential(tokenId: string): Promise<BotCredential | null> {
    const [row] = await this.db
      .select({ token: botTokens, flags: applications.flags })
      .from(botTokens)
      .innerJoin(applications, eq(applications.id, botTokens.applicationId))
      .where(eq(botTokens.id, tokenId))
      .limit(1);
    return row ?? null;
  }

  async listRevokedTokensSince(since: Date): Promise<Array<{ id: string; userId: string }>> {
    return this.db.select({ id: botTokens.id, userId: botTokens.userId }).from(botTokens).where(gte(botTokens.revokedAt, since));
  }

  async purgeRevokedTokens(before: Date): Promise<number> {
    const rows = await this.db.delete(botTokens).where(lt(botTokens.revokedAt, before)).returning({ id: botTokens.id });
    return rows.length;
  }
}
