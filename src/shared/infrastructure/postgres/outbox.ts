import { type SQL, and, asc, isNull, lt, sql } from "drizzle-orm";
import type { Clock } from "../../kernel/clock";
import type { DomainEvent, NewDomainEvent } from "../../kernel/domain-event";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import type { Db, DbExecutor } from "./database";
import { outbox } from "./outbox-schema";

/** Writes events into the outbox inside the caller's transaction. */
export interface OutboxWriter {
  /**
   * Gives each event its id and time, as `write` does (for writers that insert them themselves: outboxInsertOf), and
   * the trace of the work that made it (`trace`, by default the active one's; see tracing.ts).
   */
  stamp(events: readonly NewDomainEvent[], trace?: string): DomainEvent[];
  /** The active trace, for a writer that stamps its events later and elsewhere (group commit); undefined when off. */
  traceparent(): string | undefined;
  /** Gives each event its id and time, inserts them with `tx`, and returns them. */
  write(tx: DbExecutor, events: readonly NewDomainEvent[]): Promise<DomainEvent[]>;
}

/** Runs `work` in one transaction; after it commits, the events it wrote go to `afterCommit` (createTransact). */
export type Transact = <T>(work: (tx: DbExecutor, outbox: OutboxWriter) => Promise<T>) => Promise<T>;

export const createOutboxWriter = (deps: { ids: SnowflakeGenerator; clock: Clock; traceparent?: () => string | undefined }): OutboxWriter => {
  const traceparent = deps.traceparent ?? (() => undefined);
  const stamp: OutboxWriter["stamp"] = (events, trace = traceparent()) => {
    const occurredAt = new Date(deps.clock.now()).toISOString();
    return events.map((event) => (trace === undefined ? { ...event, id: deps.ids.next(), occurredAt } : { ...event, id: deps.ids.next(), occurredAt, trace }));
  };
  return {
    stamp,
    traceparent,
    async write(tx, events) {
      if (events.length === 0) return [];
      const stamped = stamp(events);
      const rows = stamped.map((event) => ({
        id: event.id,
        type: event.type,
        topics: [...event.topics],
        data: event.data,
        occurredAt: new Date(event.occurredAt),
        trace: event.trace ?? null,
      }));
      await tx.insert(outbox).values(rows);
      return stamped;
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
 * The INSERT of any number of stamped events as one statement of array parameters (unnest), so a batch of any size
 * is one prepared statement. Times travel as text: postgres-js has no serializer for timestamptz[]. The traces are a
 * sixth array only when some event has one (tracing on), so that a node without tracing sends what it always did.
 */
export const outboxInsertOf = (events: readonly DomainEvent[]): SQL => {
  const columns = sql`${sql.param(events.map((event) => event.id))}::bigint[], ${sql.param(events.map((event) => event.type))}::text[],
      ${sql.param(events.map((event) => textArrayLiteral(event.topics)))}::text[], ${sql.param(events.map((event) => JSON.stringify(event.data)))}::text[],
      ${sql.param(events.map((event) => event.occurredAt))}::text[]`;
  if (!events.some((event) => event.trace !== undefined)) {
    return sql`INSERT INTO ${outbox} (id, type, topics, data, occurred_at)
    SELECT id, type, topics::text[], data::jsonb, occurred_at::timestamptz
    FROM unnest(${columns}) AS o(id, type, topics, data, occurred_at)`;
  }
  return sql`INSERT INTO ${outbox} (id, type, topics, data, occurred_at, trace)
    SELECT id, type, topics::text[], data::jsonb, occurred_at::timestamptz, trace
    FROM unnest(${columns}, ${sql.param(events.map((event) => event.trace ?? null))}::text[]) AS o(id, type, topics, data, occurred_at, trace)`;
};

/** A text[] literal of strings, each quoted and escaped, for a column of arrays filled from an unnest of text. */
export const textArrayLiteral = (values: readonly string[]): string =>
  `{${values.map((value) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;

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
    ...(row.trace === null ? {} : { trace: row.trace }),
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
