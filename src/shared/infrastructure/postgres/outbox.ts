import { type SQLWrapper, and, asc, isNull, lt, sql } from "drizzle-orm";
import type { Clock } from "../../kernel/clock";
import type { DomainEvent, NewDomainEvent } from "../../kernel/domain-event";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import type { Db, DbExecutor } from "./database";
import { outbox } from "./outbox-schema";

/** Writes events into the outbox inside the caller's transaction. */
export interface OutboxWriter {
  /** Gives each event its id and time, inserts them with `tx`, and returns them. */
  write(tx: DbExecutor, events: readonly NewDomainEvent[]): Promise<DomainEvent[]>;
  /** The events stamped as `write` does, and their INSERT to run as part of another statement (null for none). */
  stage(db: DbExecutor, events: readonly NewDomainEvent[]): { readonly events: DomainEvent[]; readonly insert: SQLWrapper | null };
}

/** Runs `work` in one transaction; after it commits, the events it wrote go to `afterCommit` (createTransact). */
export type Transact = <T>(work: (tx: DbExecutor, outbox: OutboxWriter) => Promise<T>) => Promise<T>;

export const createOutboxWriter = (deps: { ids: SnowflakeGenerator; clock: Clock }): OutboxWriter => {
  const stage: OutboxWriter["stage"] = (db, events) => {
    if (events.length === 0) return { events: [], insert: null };
    const occurredAt = new Date(deps.clock.now());
    const stamped = events.map((event) => ({ ...event, id: deps.ids.next(), occurredAt: occurredAt.toISOString() }));
    const rows = stamped.map((event) => ({ id: event.id, type: event.type, topics: [...event.topics], data: event.data, occurredAt }));
    return { events: stamped, insert: db.insert(outbox).values(rows) };
  };
  return {
    stage,
    async write(tx, events) {
      const staged = stage(tx, events);
      if (staged.insert) await tx.execute(staged.insert.getSQL());
      return staged.events;
    },
  };
};

/**
 * `afterCommit` hears the events of each committed transaction before `transact` returns, and so before the use
 * case answers: the relay publishes them, and the commit notices keep the nodes' caches current.
 */
export const createTransact =
  (db: Db, writer: OutboxWriter, afterCommit?: (events: readonly DomainEvent[]) => Promise<void>): Transact =>
  async (work) => {
    const written: DomainEvent[] = [];
    const recording: OutboxWriter = {
      ...writer,
      async write(tx, events) {
        const stamped = await writer.write(tx, events);
        written.push(...stamped);
        return stamped;
      },
    };
    const result = await db.transaction((tx) => work(tx, afterCommit ? recording : writer));
    if (afterCommit && written.length > 0) await afterCommit(written);
    return result;
  };

/**
 * Commits statements that read nothing back, and the outbox rows of `events`, as ONE statement (data-modifying
 * WITH clauses): atomic without BEGIN and COMMIT, so one round trip instead of three more. Statements run in order
 * of the list as far as anything can tell: each is an INSERT of new rows, and constraints are checked at the end
 * of the statement. Then, as `createTransact`, it hands the events to `afterCommit` before returning.
 */
export type WriteTogether = (statements: readonly SQLWrapper[], events: readonly NewDomainEvent[]) => Promise<void>;

export const createWriteTogether =
  (db: Db, writer: OutboxWriter, afterCommit?: (events: readonly DomainEvent[]) => Promise<void>): WriteTogether =>
  async (statements, events) => {
    const staged = writer.stage(db, events);
    const all = staged.insert ? [...statements, staged.insert] : [...statements];
    if (all.length === 0) return;
    const last = all.pop()!;
    // getSQL(): a query builder put straight into `sql` would be wrapped in parentheses, as a subquery.
    const withs = all.map((statement, index) => sql`${sql.raw(`w${index}`)} AS (${statement.getSQL()})`);
    await db.execute(withs.length === 0 ? last.getSQL() : sql`WITH ${sql.join(withs, sql`, `)} ${last.getSQL()}`);
    if (afterCommit && staged.events.length > 0) await afterCommit(staged.events);
  };

/** An unpublished outbox batch of rows that occurred before `before`, oldest first, read under the relay lock. */
export const claimOutboxBatch = async (tx: DbExecutor, limit: number, before: Date): Promise<DomainEvent[]> => {
  const rows = await tx
    .select()
    .from(outbox)
    .where(and(isNull(outbox.publishedAt), lt(outbox.occurredAt, before)))
    .orderBy(asc(outbox.id))
    .limit(limit)
    .for("update", { skipLocked: true });
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    topics: row.topics as DomainEvent["topics"],
    data: row.data,
    occurredAt: row.occurredAt.toISOString(),
  }));
};

/** One statement with one parameter for any number of ids, so it is prepared once. */
export const markOutboxPublished = (db: DbExecutor, ids: readonly string[], at: Date) =>
  db.update(outbox).set({ publishedAt: at }).where(sql`${outbox.id} = ANY(string_to_array(${ids.join(",")}, ',')::bigint[])`);

/** Deletes published rows older than `before`; the outbox is a queue, not an archive. */
export const purgeOutbox = (db: Db, before: Date) =>
  db.delete(outbox).where(lt(outbox.publishedAt, before));

/** Only one relay on the whole cluster publishes at a time, which keeps events in commit-id order. */
export const tryRelayLock = async (tx: DbExecutor): Promise<boolean> => {
  const result = await tx.execute(sql`SELECT pg_try_advisory_xact_lock(${RELAY_LOCK_KEY}) AS locked`);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ locked: boolean }>;
  return rows[0]?.locked === true;
};

const RELAY_LOCK_KEY = 0x5c0d_0002;
