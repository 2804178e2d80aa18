import type { AuditLogAction, AuditLogEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Which entries of a guild to list (Discord's query): newest first, from below `before` or just above `after`. */
export interface AuditLogQuery {
  readonly userId?: Snowflake;
  readonly actionType?: AuditLogAction;
  readonly before?: Snowflake;
  readonly after?: Snowflake;
  readonly limit: number;
}

/** The audit log's reads and its retention; entries are written by each domain's unit of work (AuditLogRecorder). */
export interface AuditLogRepository {
  /** Up to `limit` entries, newest first: the newest below `before`, or the oldest above `after` (still newest first). */
  list(guildId: Snowflake, query: AuditLogQuery): Promise<AuditLogEntry[]>;
  /** Deletes up to `limit` entries created before `before`; how many. */
  purgeOlderThan(before: Date, limit: number): Promise<number>;
}
