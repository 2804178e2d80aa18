import type { Clock } from "../kernel/clock";
import type { DomainEvent } from "../kernel/domain-event";
import type { EventStream, PubSub } from "../kernel/ports";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";
import type { Db } from "./postgres/database";
import { type Tracing, noTracing } from "./tracing/tracing";
import { claimOutboxBatch, markOutboxPublished, purgeOutbox, tryRelayLock } from "./postgres/outbox";

export interface OutboxRelay {
  start(): void;
  /**
   * Publishes the events of a transaction that just committed (the path every event takes), then records them as
   * published in the next batch of marks. Never throws: an event it could not publish stays unpublished in the
   * outbox, and the safety net publishes it.
   */
  publishCommitted(events: readonly DomainEvent[]): Promise<void>;
  /** Records what was published and relays what is left until the outbox is empty or the bus refuses; for shutdown and tests. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Db;
  /** Where the marks of directly published rows are written (single statements); default `db`. */
  readonly statements?: Db;
  readonly stream: EventStream;
  readonly pubSub: PubSub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  readonly retentionMs?: number;
  /**
   * The safety net publishes only rows that occurred this long ago and are still unpublished: the direct path had
   * its chance (a node that crashed after its commit, a bus that refused), so the two seldom publish the same row.
   */
  readonly graceMs?: number;
  /** How often the marks of directly published rows are written, as one UPDATE. */
  readonly markIntervalMs?: number;
  /** Spans for publishing (in the committing request's trace) and for the safety net's batches (linked to theirs). */
  readonly tracing?: Tracing;
}

/** Rows marked per UPDATE at most; more wait for the next one. */
const MARK_BATCH = 5_000;

/** How long a catch-up pass waits for another node's relay pass to release the lock before leaving it to the relay. */
const CATCH_UP_LOCK_WAIT_MS = 5_000;

/**
 * Delivers committed outbox rows to the event stream and pub/sub, at least once, in two ways:
 * - directly: the node that committed publishes its transaction's events before it answers (so a client's next
 *   request, on any node, comes after its events are on the bus), then marks the rows published in batches;
 * - the safety net: one relay on the whole cluster (an advisory lock) polls for rows still unpublished after
 *   `graceMs` (their node died after the commit, or the bus refused) and publishes them, marking them in the same
 *   transaction that read them, after the bus took them.
 * An event published twice (a mark lost with its node) carries the same id both times: consumers and gateway
 * sessions de-duplicate on it. Once events may be waiting unpublished (the bus refused or dropped), a node publishes
 * its commits through a catch-up pass with the backlog, oldest first, until nothing older is left: a write made
 * after an earlier one was answered is never published ahead of it.
 */
export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const { db, stream, pubSub, clock, logger, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retentionMs = options.retentionMs ?? 10 * 60_000;
  const graceMs = options.graceMs ?? 3_000;
  const markIntervalMs = options.markIntervalMs ?? 50;
  const tracing = options.tracing ?? noTracing;
  let running = false;
  let timer: Timer | undefined;
  let pass: Promise<void> | undefined;
  let failures = 0;
  let directFailures = 0;
  let lastPurge = 0;
  /** Ids published directly and not yet marked. */
  let unmarked: string[] = [];
  let markTimer: Timer | undefined;
  let marking: Promise<void> | undefined;
  /**
   * Set once events may be waiting in the outbox unpublished (a publish failed here, or the bus connection dropped,
   * which every node sees when Redis goes away): a commit published directly would overtake them, so until a
   * catch-up pass finds nothing older left, commits are published by such a pass, in outbox order, with the backlog.
   */
  let catchingUp = false;
  /** Catch-up passes run one after another: each covers every row committed before it started. */
  let catchUpChain: Promise<void> = Promise.resolve();
  const stopWatchingBus = pubSub.onConnectionChange?.((connected) => {
    if (!connected) catchingUp = true;
  });

  const publish = async (events: readonly DomainEvent[]) => {
    await stream.append(events);
    await Promise.all(
      events.flatMap((event) => {
        const message = JSON.stringify(event);
        return event.topics.map((topic) => pubSub.publish(topic, message));
      }),
    );
  };

  /** Writes the pending marks, one UPDATE per MARK_BATCH; a failed one leaves its rows to the safety net. */
  const markPublished = (): Promise<void> => {
    clearTimeout(markTimer);
    markTimer = undefined;
    if (marking) return marking.then(() => (unmarked.length > 0 ? markPublished() : undefined));
    if (unmarked.length === 0) return Promise.resolve();
    const ids = unmarked.slice(0, MARK_BATCH);
    unmarked = unmarked.slice(ids.length);
    // Its own work, not that of the request whose publish scheduled it.
    marking = tracing
      .quietly(async () => void (await markOutboxPublished(options.statements ?? db, ids, new Date(clock.now()))))
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error, rows: ids.length }, "marking published outbox rows failed; the relay will publish them again"))
      .finally(() => {
        marking = undefined;
        if (unmarked.length > 0) scheduleMarks();
      });
    return marking;
  };
  const scheduleMarks = () => {
    markTimer ??= setTimeout(() => void markPublished(), markIntervalMs);
  };

  /** One transaction: lock, read a batch of rows that occurred before `before`, publish, mark. Returns how many rows it published, or "busy". */
  const relayBatch = async (before = () => clock.now() - graceMs): Promise<number | "busy"> =>
    db.transaction(async (tx) => {
      if (!(await tryRelayLock(tx))) return "busy";
      const events = await claimOutboxBatch(tx, batchSize, new Date(before()));
      if (events.length === 0) return 0;
      // A batch of many requests' events: a trace of its own, linked to each of theirs (their dispatches join theirs).
      const links = events.map((event) => event.trace);
      await tracing.inSpan("outbox relay", { parent: null, links, attributes: { "messaging.batch.message_count": events.length } }, () => publish(events));
      await markOutboxPublished(tx, events.map((event) => event.id), new Date(clock.now()));
      metrics?.observeRelay(events, clock.now());
      return events.length;
    });

  const drain = async (): Promise<void> => {
    while ((await relayBatch()) === batchSize) {}
    failures = 0;
    if (clock.now() - lastPurge > 60_000) {
      lastPurge = clock.now();
      await purgeOutbox(db, new Date(clock.now() - retentionMs));
    }
  };

  const runPass = (): Promise<void> => {
    if (pass) return pass;
    // The poll is traced only when it publishes (relayBatch), not each time it finds the outbox empty.
    pass = tracing
      .quietly(drain)
      .catch((error: unknown) => {
        failures++;
        // Logged once per outage burst, not per poll.
        if (failures === 1 || failures % 100 === 0) logger.warn({ err: error, failures }, "outbox relay pass failed; will retry");
      })
      .finally(() => {
        pass = undefined;
        schedule();
      });
    return pass;
  };

  /**
   * Publishes every unpublished row committed so far, oldest first, under the relay lock (so nobody publishes a newer
   * row meanwhile); clears `catchingUp` once nothing was left. Throws when the bus refuses or the lock stays taken.
   */
  const catchUp = async (): Promise<void> => {
    await markPublished(); // rows already published directly need not go out again
    const deadline = clock.now() + CATCH_UP_LOCK_WAIT_MS;
    const upToNow = () => clock.now() + 1;
    for (;;) {
      const published = await relayBatch(upToNow);
      if (published === "busy") {
        if (clock.now() > deadline) throw new Error("the outbox relay lock stayed taken; the relay will publish these events");
        await Bun.sleep(10);
        continue;
      }
      if (published < batchSize) break;
    }
    catchingUp = false;
  };

  const schedule = () => {
    if (!running) return;
    clearTimeout(timer);
    const backoff = failures === 0 ? pollIntervalMs : Math.min(pollIntervalMs * 2 ** Math.min(failures, 5), 5_000);
    timer = setTimeout(runPass, backoff);
  };

  return {
    start() {
      if (running) return;
      running = true;
      void runPass();
    },
    async publishCommitted(events) {
      if (events.length === 0) return;
      try {
        if (catchingUp) {
          const pass = catchUpChain.then(catchUp);
          catchUpChain = pass.catch(() => {});
          await pass;
          directFailures = 0;
          return;
        }
        await tracing.inSpan("outbox publish", { attributes: { "messaging.batch.message_count": events.length } }, () => publish(events));
      } catch (error) {
        catchingUp = true;
        directFailures++;
        if (directFailures === 1 || directFailures % 100 === 0) {
          logger.warn({ err: error, failures: directFailures }, "publishing committed events failed; the outbox relay will publish them");
        }
        return;
      }
      directFailures = 0;
      metrics?.observeRelay(events, clock.now());
      for (const event of events) unmarked.push(event.id);
      scheduleMarks();
    },
    async flush() {
      await markPublished();
      await runPass();
    },
    async stop() {
      running = false;
      stopWatchingBus?.();
      clearTimeout(timer);
      await pass;
      await markPublished();
    },
  };
};
