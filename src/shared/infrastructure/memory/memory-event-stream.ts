import { type Clock, systemClock } from "../../kernel/clock";
import { type DomainEvent, parseEvent } from "../../kernel/domain-event";
import type { DeadLetter, EventStream, EventStreamConsumerOptions } from "../../kernel/ports/event-stream";
import { type ConsumerSettings as Settings, type EventHandler as Handler, RunningConsumers, consumerSettings, messageOf } from "../event-stream-consumers";

/** An entry of the log; events are kept as JSON, as in Redis, so handlers never share objects. */
interface Entry {
  readonly seq: number;
  readonly type: string;
  readonly json: string;
  /** When the log took it, like the time part of a Redis stream id. */
  readonly at: number;
}

/** Delivered to a consumer of the group and not yet acknowledged (the PEL of Redis Streams). */
interface Pending extends Entry {
  deliveries: number;
  deliveredAt: number;
}

interface Group {
  /** Highest seq handed out to the group; a new group starts at 0, the beginning of the log. */
  lastSeq: number;
  readonly pending: Map<number, Pending>;
  /** Wakes the group's sleeping consumers: new entries, or a stop. */
  readonly waiters: Set<() => void>;
}

export interface MemoryEventStreamOptions {
  /** Entries kept; the oldest go first (MAXLEN ~ of Redis). Also caps the dead letters. */
  readonly maxLength?: number;
  readonly clock?: Clock;
}

/**
 * The single-node event log with Redis Streams semantics: an ordered log, a cursor per consumer group,
 * pending entries with delivery counts, redelivery after `retryAfterMs`, dead letters after `maxDeliveries`.
 */
export class MemoryEventStream implements EventStream {
  private log: Entry[] = [];
  private nextSeq = 1;
  private readonly groups = new Map<string, Group>();
  private readonly dead: DeadLetter[] = [];
  private readonly consumers = new RunningConsumers();
  private readonly maxLength: number;
  private readonly clock: Clock;

  constructor(options: MemoryEventStreamOptions = {}) {
    this.maxLength = options.maxLength ?? 1_000_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Appends in order and wakes every waiting consumer. */
  async append(events: readonly DomainEvent[]): Promise<void> {
    const at = this.clock.now();
    for (const event of events) this.log.push({ seq: this.nextSeq++, type: event.type, json: JSON.stringify(event), at });
    // Trim in slices, like MAXLEN ~, so a full log does not shift the array on every append.
    if (this.log.length > this.maxLength * 1.1 + 100) this.log = this.log.slice(-this.maxLength);
    for (const group of this.groups.values()) for (const wake of [...group.waiters]) wake();
  }

  /** Entries taken at or after `sinceMs`, oldest first. */
  async readSince(sinceMs: number, limit: number): Promise<DomainEvent[]> {
    const first = this.log.findIndex((entry) => entry.at >= sinceMs);
    if (first < 0) return [];
    return this.log.slice(first, first + limit).map((entry) => parseEvent(entry.json));
  }

  /** Starts a consumer; a group seen for the first time reads from the beginning of the log. */
  async consume(options: EventStreamConsumerOptions, handler: Handler): Promise<() => Promise<void>> {
    const settings = consumerSettings(options);
    let group = this.groups.get(settings.group);
    if (!group) {
      group = { lastSeq: 0, pending: new Map(), waiters: new Set() };
      this.groups.set(settings.group, group);
    }
    return this.consumers.add(this.run(group, settings, handler));
  }

  /** The oldest `limit` dead letters. */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.slice(0, limit);
  }

  /** Always true: nothing can be down in process. */
  async healthy(): Promise<boolean> {
    return true;
  }

  /** Stops every consumer, letting the events in hand finish. */
  async close(): Promise<void> {
    await this.consumers.stopAll();
  }

  /** The consumer loop: redeliver what is due, else read new entries, else sleep until there is work. */
  private run(group: Group, settings: Settings, handler: Handler): () => Promise<void> {
    let running = true;
    let wakeUp = () => {};
    const loop = (async () => {
      while (running) {
        const before = group.lastSeq;
        const batch = this.claimDue(group, settings);
        if (batch.length === 0) batch.push(...this.readNew(group, settings));
        const read = group.lastSeq;
        for (const entry of batch) await this.deliver(group, settings, handler, entry);
        if (batch.length > 0 || read !== before || !running) continue;
        await new Promise<void>((resolve) => {
          const due = this.nextDueInMs(group, settings);
          const timer = due === null ? undefined : setTimeout(() => wakeUp(), due);
          wakeUp = () => {
            clearTimeout(timer);
            group.waiters.delete(wakeUp);
            resolve();
          };
          group.waiters.add(wakeUp);
        });
      }
    })();
    return async () => {
      running = false;
      wakeUp();
      await loop;
    };
  }

  private readNew(group: Group, settings: Settings): Pending[] {
    const first = this.log[0]?.seq ?? this.nextSeq;
    const start = Math.max(group.lastSeq + 1 - first, 0);
    const now = this.clock.now();
    const read = this.log.slice(start, start + settings.batchSize);
    group.lastSeq = read.at(-1)?.seq ?? group.lastSeq;
    // Entries of types the group does not handle are acknowledged as read: never pending, never delivered.
    const wanted = settings.types ? read.filter((entry) => settings.types!.has(entry.type)) : read;
    const batch = wanted.map((entry) => ({ ...entry, deliveries: 1, deliveredAt: now }));
    for (const pending of batch) group.pending.set(pending.seq, pending);
    return batch;
  }

  /** Takes over entries idle for `retryAfterMs` (XAUTOCLAIM); one past its last delivery is dead instead. */
  private claimDue(group: Group, settings: Settings): Pending[] {
    const now = this.clock.now();
    const batch: Pending[] = [];
    for (const pending of group.pending.values()) {
      if (batch.length >= settings.batchSize) break;
      if (now - pending.deliveredAt < settings.retryAfterMs) continue;
      pending.deliveries += 1;
      pending.deliveredAt = now;
      if (pending.deliveries <= settings.maxDeliveries) batch.push(pending);
      else this.bury(group, settings, pending, pending.deliveries - 1, "not acknowledged (consumer stopped or crashed)");
    }
    return batch;
  }

  private async deliver(group: Group, settings: Settings, handler: Handler, pending: Pending): Promise<void> {
    try {
      await handler(parseEvent(pending.json));
      group.pending.delete(pending.seq);
    } catch (error) {
      if (pending.deliveries >= settings.maxDeliveries) this.bury(group, settings, pending, pending.deliveries, messageOf(error));
    }
  }

  private bury(group: Group, settings: Settings, pending: Pending, deliveries: number, error: string): void {
    group.pending.delete(pending.seq);
    this.dead.push({ event: parseEvent(pending.json), group: settings.group, deliveries, error });
    if (this.dead.length > this.maxLength) this.dead.shift();
  }

  /** Milliseconds until the group's oldest pending entry may be redelivered; null when none is pending. */
  private nextDueInMs(group: Group, settings: Settings): number | null {
    let oldest = Infinity;
    for (const pending of group.pending.values()) oldest = Math.min(oldest, pending.deliveredAt);
    return oldest === Infinity ? null : Math.max(0, oldest + settings.retryAfterMs - this.clock.now());
  }
}
