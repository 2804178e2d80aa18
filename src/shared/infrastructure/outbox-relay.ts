import type { Clock } from "../kernel/clock";
import type { DomainEvent } from "../kernel/domain-event";
import type { EventStream, PubSub } from "../kernel/ports";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";
import type { Db } from "./postgres/database";
import { claimOutboxBatch, markOutboxPublished, purgeOutbox, tryRelayLock } from "./postgres/outbox";

export interface OutboxRelay {
  start(): void;
  /** Asks for a pass now (after a commit) instead of at the next poll. */
  wake(): void;
  /** Relays until the outbox is empty or the bus refuses; for shutdown and tests. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly db: Db;
  readonly stream: EventStream;
  readonly pubSub: PubSub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Published rows older than this are deleted. */
  readonly retentionMs?: number;
}

/**
 * Publishes committed outbox rows to the event stream and pub/sub, at least once: rows are marked published
 * in the same transaction that read them, after the bus took them, so a crash or a bus outage means a retry
 * (consumers de-duplicate on the event id), never a loss.
 */
/** How soon a relay tries again when another node held the lock. */
const LOCK_RETRY_MS = 10;

export const createOutboxRelay = (options: OutboxRelayOptions): OutboxRelay => {
  const { db, stream, pubSub, clock, logger, metrics } = options;
  const batchSize = options.batchSize ?? 500;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const retentionMs = options.retentionMs ?? 10 * 60_000;
  let running = false;
  let timer: Timer | undefined;
  let pass: Promise<void> | undefined;
  let again = false;
  let failures = 0;
  let lastPurge = 0;
  /** Another node held the relay lock on the last try: its batch may not include our newest rows. */
  let contended = false;

  /** One transaction: lock, read a batch, publish, mark. Returns how many rows it published, or "busy". */
  const relayBatch = async (): Promise<number | "busy"> =>
    db.transaction(async (tx) => {
      if (!(await tryRelayLock(tx))) return "busy";
      const events = await claimOutboxBatch(tx, batchSize);
      if (events.length === 0) return 0;
      await publish(events);
      await markOutboxPublished(tx, events.map((event) => event.id), new Date(clock.now()));
      metrics?.observeRelay(events, clock.now());
      return events.length;
    });

  const publish = async (events: DomainEvent[]) => {
    await stream.append(events);
    await Promise.all(
      events.flatMap((event) => {
        const message = JSON.stringify(event);
        return event.topics.map((topic) => pubSub.publish(topic, message));
      }),
    );
  };

  const drain = async (): Promise<void> => {
    contended = false;
    do {
      again = false;
      let published: number | "busy";
      while ((published = await relayBatch()) === batchSize) {}
      if (published === "busy") {
        contended = true;
        break;
      }
    } while (again);
    failures = 0;
    if (clock.now() - lastPurge > 60_000) {
      lastPurge = clock.now();
      await purgeOutbox(db, new Date(clock.now() - retentionMs));
    }
  };

  const runPass = (): Promise<void> => {
    if (pass) {
      again = true;
      return pass;
    }
    pass = drain()
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

  const schedule = () => {
    if (!running) return;
    clearTimeout(timer);
    // While another node relays, rows committed here after its batch was read would wait for the next poll:
    // try again soon instead, so that the relay's hand-over costs milliseconds, not a poll interval.
    const idle = contended ? LOCK_RETRY_MS : pollIntervalMs;
    const backoff = failures === 0 ? idle : Math.min(pollIntervalMs * 2 ** Math.min(failures, 5), 5_000);
    timer = setTimeout(runPass, backoff);
  };

  return {
    start() {
      if (running) return;
      running = true;
      void runPass();
    },
    wake() {
      if (running) void runPass();
    },
    flush: runPass,
    async stop() {
      running = false;
      clearTimeout(timer);
      await pass;
    },
  };
};
