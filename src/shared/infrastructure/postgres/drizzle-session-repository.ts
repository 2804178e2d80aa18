import { and, desc, eq, exists, gt, gte, isNull, lt, ne, not, or, sql } from "drizzle-orm";
import type { RefreshTokenRecord, Session } from "../../../domains/identity/domain/session";
import type { NewRefreshToken, SessionRepository } from "../../../domains/identity/domain/session-repository";
import type { DbExecutor } from "./database";
import { refreshTokens, sessions } from "./identity-schema";

/** Sessions and refresh tokens in Postgres; multi-statement methods expect to run inside a unit of work. */
export class DrizzleSessionRepository implements SessionRepository {
  constructor(private readonly db: DbExecutor) {}

  async create(session: Session, refreshToken: NewRefreshToken): Promise<void> {
    await this.db.insert(sessions).values(session);
    await this.db.insert(refreshTokens).values(refreshToken);
  }

  async find(id: string): Promise<Session | null> {
    const [row] = await this.db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
    return row ?? null;
  }

  async consumeRefreshToken(tokenHash: string, replacedBy: string, now: Date): Promise<string | null> {
    // Row-locking conditional update: a concurrent caller waits, re-checks `used_at IS NULL` and gets no row.
    const [row] = await this.db
      .update(refreshTokens)
      .set({ usedAt: now, replacedBy })
      .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, now)))
      .returning({ sessionId: refreshTokens.sessionId });
    return row?.sessionId ?? null;
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const [row] = await this.db
      .select({
        tokenHash: refreshTokens.tokenHash,
        sessionId: refreshTokens.sessionId,
        expiresAt: refreshTokens.expiresAt,
        usedAt: refreshTokens.usedAt,
      })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .limit(1);
    return row ?? null;
  }

  async addRefreshToken(token: NewRefreshToken, now: Date): Promise<void> {
    await this.db.insert(refreshTokens).values(token);
    await this.db.update(sessions).set({ lastUsedAt: now }).where(eq(sessions.id, token.sessionId));
  }

  async listLive(userId: string, now: Date): Promise<Session[]> {
    const usable = exists(
      this.db
        .select({ one: sql`1` })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.sessionId, sessions.id), isNull(refreshTokens.usedAt), gt(refreshTokens.expiresAt, now))),
    );
    return this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), usable))
      .orderBy(desc(sessions.id));
  }

  async revoke(id: string, userId: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, id), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    return rows.length > 0;
  }

  async purgeExpired(now: Date, deadBefore: Date): Promise<{ tokens: number; sessions: number }> {
    const hasLiveToken = exists(
      this.db
        .select({ one: sql`1` })
        .from(refreshTokens)
        .where(and(eq(refreshTokens.sessionId, sessions.id), gt(refreshTokens.expiresAt, now))),
    );
    const deadSessions = await this.db
      .delete(sessions)
      .where(or(lt(sessions.revokedAt, deadBefore), and(lt(sessions.lastUsedAt, deadBefore), not(hasLiveToken))))
      .returning({ id: sessions.id });
    const expiredTokens = await this.db.delete(refreshTokens).where(lt(refreshTokens.expiresAt, now)).returning({ hash: refreshTokens.tokenHash });
    return { tokens: expiredTokens.length, sessions: deadSessions.length };
  }

  async listRevokedSince(since: Date): Promise<Array<{ id: string; userId: string }>> {
    return this.db.select({ id: sessions.id, userId: sessions.userId }).from(sessions).where(gte(sessions.revokedAt, since));
  }

  async revokeAllOf(userId: string, now: Date, keep?: string): Promise<string[]> {
    const rows = await this.db
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep === undefined ? undefined : ne(sessions.id, keep)))
      .returning({ id: sessions.id });
    return rows.map((row) => row.id);
  }
}
