import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Unrecorded } from "../../kernel/domain-event";
import type { MFA_FAILURE_POLICY, TotpEnrolment } from "../../../domains/identity/domain/mfa";
import type { MfaRepository, NewMfaTicket } from "../../../domains/identity/domain/mfa-repository";
import type { UserEvent } from "../../../domains/identity/domain/user-events";
import type { DbExecutor } from "./database";
import { mfaBackupCodes, mfaTickets, userTotp, users } from "./identity-schema";
import type { Transact } from "./outbox";

/** A moment as a raw SQL parameter (postgres-js binds a Date only where drizzle knows the column). */
const timestamp = (moment: Date) => sql`${moment.toISOString()}::timestamptz`;

/**
 * Rethrows a failed statement as the driver's own error: drizzle's wrapper lists the query parameters, and those
 * of an enrolment hold the TOTP secret, which must never reach logs or Sentry.
 */
const withoutParameters = (error: unknown): never => {
  const cause = (error as { cause?: unknown }).cause;
  throw cause instanceof Error ? cause : error;
};

/** Two-factor enrolments, backup codes and tickets in Postgres; writes with events share one transaction (`write`). */
export class DrizzleMfaRepository implements MfaRepository {
  constructor(
    private readonly db: DbExecutor,
    private readonly write: Transact,
  ) {}

  async findEnrolment(userId: string): Promise<TotpEnrolment | null> {
    const [row] = await this.db
      .select({ secret: userTotp.secret, lastStep: userTotp.lastStep, lockedUntil: userTotp.lockedUntil })
      .from(userTotp)
      .where(eq(userTotp.userId, userId))
      .limit(1);
    return row ? { ...row, lastStep: Number(row.lastStep) } : null;
  }

  async enable(
    userId: string,
    enrolment: { secret: string; lastStep: number; enabledAt: Date },
    backupCodeHashes: readonly string[],
    events: readonly Unrecorded<UserEvent>[],
  ): Promise<boolean> {
    return this.write(async (tx, outbox) => {
      const inserted = await tx
        .insert(userTotp)
        .values({ userId, ...enrolment })
        .onConflictDoNothing()
        .returning({ userId: userTotp.userId })
        .catch(withoutParameters);
      if (inserted.length === 0) return false;
      await tx.update(users).set({ mfaEnabled: true, updatedAt: enrolment.enabledAt }).where(eq(users.id, userId));
      await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
      await tx.insert(mfaBackupCodes).values(backupCodeHashes.map((codeHash) => ({ userId, codeHash })));
      await outbox.write(tx, events);
      return true;
    });
  }

  async disable(userId: string, events: readonly Unrecorded<UserEvent>[]): Promise<boolean> {
    return this.write(async (tx, outbox) => {
      const deleted = await tx.delete(userTotp).where(eq(userTotp.userId, userId)).returning({ userId: userTotp.userId });
      if (deleted.length === 0) return false;
      await tx.update(users).set({ mfaEnabled: false, updatedAt: new Date() }).where(eq(users.id, userId));
      await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
      await tx.delete(mfaTickets).where(eq(mfaTickets.userId, userId));
      await outbox.write(tx, events);
      return true;
    });
  }

  async replaceBackupCodes(userId: string, backupCodeHashes: readonly string[]): Promise<void> {
    await this.write(async (tx) => {
      await tx.delete(mfaBackupCodes).where(eq(mfaBackupCodes.userId, userId));
      await tx.insert(mfaBackupCodes).values(backupCodeHashes.map((codeHash) => ({ userId, codeHash })));
    });
  }

  async acceptStep(userId: string, step: number): Promise<boolean> {
    // Row-locking conditional update: of two requests with one code, the second re-checks and finds no row.
    const rows = await this.db
      .update(userTotp)
      .set({ lastStep: step })
      .where(and(eq(userTotp.userId, userId), lt(userTotp.lastStep, step)))
      .returning({ userId: userTotp.userId });
    return rows.length > 0;
  }

  async useBackupCode(userId: string, codeHash: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .update(mfaBackupCodes)
      .set({ usedAt: now })
      .where(and(eq(mfaBackupCodes.userId, userId), eq(mfaBackupCodes.codeHash, codeHash), isNull(mfaBackupCodes.usedAt)))
      .returning({ userId: mfaBackupCodes.userId });
    return rows.length > 0;
  }

  async recordFailure(userId: string, now: Date, policy: typeof MFA_FAILURE_POLICY): Promise<number> {
    const windowStart = timestamp(new Date(now.getTime() - policy.windowMs));
    const lockedUntil = timestamp(new Date(now.getTime() + policy.lockMs));
    // A failure after the window (or after a lockout ended) starts a new count.
    const fresh = sql`(${userTotp.failuresSince} IS NULL OR ${userTotp.failuresSince} < ${windowStart} OR ${userTotp.failures} >= ${policy.maxFailures})`;
    const count = sql<number>`CASE WHEN ${fresh} THEN 1 ELSE ${userTotp.failures} + 1 END`;
    const [row] = await this.db
      .update(userTotp)
      .set({
        failures: count,
        failuresSince: sql`CASE WHEN ${fresh} THEN ${timestamp(now)} ELSE ${userTotp.failuresSince} END`,
        lockedUntil: sql`CASE WHEN ${count} >= ${policy.maxFailures} THEN ${lockedUntil} ELSE ${userTotp.lockedUntil} END`,
      })
      .where(eq(userTotp.userId, userId))
      .returning({ failures: userTotp.failures });
    return row?.failures ?? 0;
  }

  async clearFailures(userId: string): Promise<void> {
    await this.db.update(userTotp).set({ failures: 0, failuresSince: null }).where(and(eq(userTotp.userId, userId), gt(userTotp.failures, 0)));
  }

  async countUnusedBackupCodes(userId: string): Promise<number> {
    const [row] = await this.db
      .select({ count: sql<number>`count(*)::int` })
      .from(mfaBackupCodes)
      .where(and(eq(mfaBackupCodes.userId, userId), isNull(mfaBackupCodes.usedAt)));
    return Number(row?.count ?? 0);
  }

  async createTicket(ticket: NewMfaTicket): Promise<void> {
    await this.db.insert(mfaTickets).values(ticket);
  }

  async findLiveTicket(ticketHash: string, now: Date, maxAttempts: number): Promise<string | null> {
    const [row] = await this.db
      .select({ userId: mfaTickets.userId })
      .from(mfaTickets)
      .where(this.live(ticketHash, now, maxAttempts))
      .limit(1);
    return row?.userId ?? null;
  }

  async failTicket(ticketHash: string): Promise<number> {
    const [row] = await this.db
      .update(mfaTickets)
      .set({ attempts: sql`${mfaTickets.attempts} + 1` })
      .where(eq(mfaTickets.ticketHash, ticketHash))
      .returning({ attempts: mfaTickets.attempts });
    return row?.attempts ?? 0;
  }

  async consumeTicket(ticketHash: string, now: Date, maxAttempts: number): Promise<boolean> {
    const rows = await this.db
      .update(mfaTickets)
      .set({ usedAt: now })
      .where(this.live(ticketHash, now, maxAttempts))
      .returning({ userId: mfaTickets.userId });
    return rows.length > 0;
  }

  async purgeTickets(before: Date): Promise<number> {
    const rows = await this.db
      .delete(mfaTickets)
      .where(lt(mfaTickets.expiresAt, before))
      .returning({ ticketHash: mfaTickets.ticketHash });
    return rows.length;
  }

  private live(ticketHash: string, now: Date, maxAttempts: number) {
    return and(eq(mfaTickets.ticketHash, ticketHash), isNull(mfaTickets.usedAt), gt(mfaTickets.expiresAt, now), lt(mfaTickets.attempts, maxAttempts));
  }
}
