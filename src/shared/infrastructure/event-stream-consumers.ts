import type { DomainEvent } from "../kernel/domain-event";
import type { EventStreamConsumerOptions } from "../kernel/ports/event-stream";

/** What both event stream adapters (memory and Redis) share about their consumers, so they stay the same. */

/** A consumer's options with the defaults filled in. */
export type ConsumerSettings = Required<Omit<EventStreamConsumerOptions, "types">> & { readonly types: ReadonlySet<string> | null };
export type EventHandler = (event: DomainEvent) => Promise<void>;

const DEFAULTS = { maxDeliveries: 5, retryAfterMs: 30_000, batchSize: 100 };

export const consumerSettings = (options: EventStreamConsumerOptions): ConsumerSettings => ({
  group: options.group,
  consumer: options.consumer,
  maxDeliveries: options.maxDeliveries ?? DEFAULTS.maxDeliveries,
  retryAfterMs: options.retryAfterMs ?? DEFAULTS.retryAfterMs,
  batchSize: options.batchSize ?? DEFAULTS.batchSize,
  types: options.types ?? null,
});

/** The running consumers of one adapter, so that closing it stops them all. */
export class RunningConsumers {
  private readonly stops = new Set<() => Promise<void>>();

  /** Keeps `stop` until it is called; returns it, also forgetting it when called. */
  add(stop: () => Promise<void>): () => Promise<void> {
    this.stops.add(stop);
    return async () => {
      this.stops.delete(stop);
      await stop();
    };
  }

  /** Stops every consumer, letting the events in hand finish. */
  async stopAll(): Promise<void> {
    const stops = [...this.stops];
    this.stops.clear();
    await Promise.all(stops.map((stop) => stop()));
  }
}

/** A handler's failure as a dead letter records it. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
