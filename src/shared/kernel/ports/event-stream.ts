import type { DomainEvent } from "../domain-event";

export interface EventStreamConsumerOptions {
  /**
   * Consumer group: each group receives every event once; members of a group share them.
   * A group seen for the first time starts at the beginning of the stream, so it misses no retained event.
   */
  readonly group: string;
  /** This member's name within the group (e.g. the node id). */
  readonly consumer: string;
  /** Deliveries of one event before it is moved to the dead-letter stream. */
  readonly maxDeliveries?: number;
  /** How long a delivered, unacknowledged event waits before it is delivered again. */
  readonly retryAfterMs?: number;
  /** Events read per batch. */
  readonly batchSize?: number;
  /**
   * Only events of these types reach the handler; the group acknowledges the others unread, in bulk. A consumer
   * that handles a few types (bans, member removals) then costs nothing per message sent. Default: every type.
   */
  readonly types?: ReadonlySet<string>;
}

export interface DeadLetter {
  readonly event: DomainEvent;
  readonly group: string;
  readonly deliveries: number;
  readonly error: string;
}

/**
 * A durable, ordered log of domain events with consumer groups (Redis Streams, or in memory).
 * Delivery is at least once: a handler that throws gets the event again, up to `maxDeliveries`,
 * then it goes to the dead-letter stream.
 */
export interface EventStream {
  /** Appends events in order. */
  append(events: readonly DomainEvent[]): Promise<void>;
  /** Starts a consumer; resolves once it is registered, returns a function that stops it. */
  consume(
    options: EventStreamConsumerOptions,
    handler: (event: DomainEvent) => Promise<void>,
  ): Promise<() => Promise<void>>;
  /**
   * Events appended at or after `sinceMs` (the time the stream took them), oldest first, at most `limit`.
   * For catching up a reader that was away (a gateway session resuming), not for consumers.
   */
  readSince(sinceMs: number, limit: number): Promise<DomainEvent[]>;
  /** The dead letters, oldest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
