import type { Clock } from "../../../shared/kernel/clock";
import type { AuditLogRepository } from "../domain/audit-log-repository";

/** Entries deleted per statement: bounds each statement's locks and WAL while the log is trimmed. */
const PURGE_BATCH = 1_000;
const DAY_MS = 86_400_000;

/** Deletes the audit log entries older than `retentionDays`, a batch at a time; how many. */
export const purgeAuditLog =
  (deps: { readonly auditLog: AuditLogRepository; readonly clock: Clock; readonly retentionDays: number }) =>
  async (): Promise<number> => {
    const before = new Date(deps.clock.now() - deps.retentionDays * DAY_MS);
    let total = 0;
    for (;;) {
      const deleted = await deps.auditLog.purgeOlderThan(before, PURGE_BATCH);
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  };

/** Runs `purge` every `intervalMs` (worker nodes); failures go to `onError`. Returns the stopper. */
export const startAuditLogRetention = (deps: {
  readonly purge: () => Promise<unknown>;
  readonly intervalMs: number;
  readonly onError: (error: unknown) => void;
}): (() => void) => {
  const timer = setInterval(() => void deps.purge().catch(deps.onError), deps.intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
};
