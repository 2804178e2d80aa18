import type { DomainEvent } from "../kernel/domain-event";
import type { KeyValueStore } from "../kernel/ports";

/**
 * Wraps an event handler so that it runs at most once per event id within `windowMs`, turning the
 * relay's at-least-once delivery into exactly-once effects. A handler that fails releases the id
 * so that the redelivery can run it again.
 */
export const idempotentHandler =
  (kv: KeyValueStore, consumer: string, handler: (event: DomainEvent) => Promise<void>, windowMs = 24 * 3600_000) =>
  async (event: DomainEvent): Promise<void> => {
    const key = `seen:${consumer}:${event.id}`;
    if (!(await kv.setIfAbsent(key, "1", windowMs))) return;
    try {
      await handler(event);
    } catch (error) {
      await kv.delete(key);
      throw error;
    }
  };
