import { type SQL, and, asc, desc, eq, gt, inArray, lt } from "drizzle-orm";
import type { AuditLogQuery, AuditLogRepository } from "../../../domains/guild/domain/audit-log-repository";
import {
  type AuditLogAction,
  type AuditLogChange,
  type AuditLogEntry,
  type AuditLogOptions,
  type AuditLogRecorder,
  auditLogEntryCreated,
} from "../../kernel/audit-log";
import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { auditLogEntries } from "./audit-log-schema";
import type { DbExecutor } from "./database";
import type { OutboxWriter } from "./outbox";

type Row = typeof auditLogEntries.$inferSelect;

const entryOf = (row: Row): AuditLogEntry => ({
  id: row.id,
  guildId: row.guildId,
  userId: row.userId,
  targetId: row.targetId,
  actionType: row.actionType as AuditLogAction,
  changes: row.changes as AuditLogChange[],
  options: row.options as AuditLogOptions | null,
  reason: row.reason,
  createdAt: row.createdAt,
});

/**
 * The recorder of one transaction (`tx`): each entry's row and its GUILD_AUDIT_LOG_ENTRY_CREATE in the outbox, so the
 * entry commits, or not, with the change it describes. Every domain's unit of work hands it to its use cases.
 */
export const drizzleAuditLogRecorder = (tx: DbExecutor, outbox: OutboxWriter, ids: SnowflakeGenerator, clock: Clock): AuditLogRecorder => ({
  async audit(entries) {
    if (entries.length === 0) return;
    const createdAt = new Date(clock.now());
    const stored = entries.map((entry): AuditLogEntry => ({ ...entry, id: ids.next(), createdAt }));
    await tx.insert(auditLogEntries).values(stored.map((entry) => ({ ...entry, changes: [...entry.changes] })));
    await outbox.write(tx, stored.map(auditLogEntryCreated));
  },
});

/** The audit log's reads and retention in PostgreSQL. */
export class DrizzleAuditLogRepository implements AuditLogRepository {
  constructor(private readonly db: DbExecutor) {}

  async list(guildId: string, query: AuditLogQuery): Promise<AuditLogEntry[]> {
    const where: SQL[] = [eq(auditLogEntries.guildId, guildId)];
    if (query.userId !== undefined) where.push(eq(auditLogEntries.userId, query.userId));
    if (query.actionType !== undefined) where.push(eq(auditLogEntries.actionType, query.actionType));
    if (query.before !== undefined) where.push(lt(auditLogEntries.id, query.before));
    // After: the entries just above `after` (oldest first, so paging forward skips none), returned newest first.
    if (query.after !== undefined) where.push(gt(auditLogEntries.id, query.after));
    const ascending = query.after !== undefined && query.before === undefined;
    const rows = await this.db
      .select()
      .from(auditLogEntries)
      .where(and(...where))
      .orderBy(ascending ? asc(auditLogEntries.id) : desc(auditLogEntries.id))
      .limit(query.limit);
    const entries = rows.map(entryOf);
    return ascending ? entries.reverse() : entries;
  }

  async purgeOlderThan(before: Date, limit: number): Promise<number> {
    const doomed = this.db.select({ id: auditLogEntries.id }).from(auditLogEntries).where(lt(auditLogEntries.createdAt, before)).limit(limit);
    const rows = await this.db.delete(auditLogEntries).where(inArray(auditLogEntries.id, doomed)).returning({ id: auditLogEntries.id });
    return rows.length;
  }
}
