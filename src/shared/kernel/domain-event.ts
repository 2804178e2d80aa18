import type { Snowflake } from "./snowflake";

/**
 * Who may hear of an event, as pub/sub topics: `guild:<id>`, `channel:<id>`, `user:<id>`.
 * The gateway subscribes to the topics its sessions need and filters again by permission.
 */
export type Topic = `guild:${string}` | `channel:${string}` | `user:${string}` | `system:${string}`;

export const topics = {
  guild: (id: Snowflake): Topic => `guild:${id}`,
  channel: (id: Snowflake): Topic => `channel:${id}`,
  user: (id: Snowflake): Topic => `user:${id}`,
  /** Every profile change (name, avatar, deletion), for the profile cache of every node. */
  profiles: (): Topic => "system:profiles",
};

/** A fact that happened, recorded in the same transaction as the change and relayed at least once. */
export interface DomainEvent<T extends string = string, D = unknown> {
  /** Snowflake; consumers de-duplicate on it. */
  readonly id: Snowflake;
  readonly type: T;
  /** ISO 8601 time of the change. */
  readonly occurredAt: string;
  readonly topics: readonly Topic[];
  readonly data: D;
  /**
   * The W3C traceparent of the request (or job) that recorded the event, when tracing is on: each node's dispatch of
   * it joins that trace. Absent otherwise.
   */
  readonly trace?: string;
}

/** What a use case records before the repository gives it an id and time. */
export type NewDomainEvent<T extends string = string, D = unknown> = Omit<DomainEvent<T, D>, "id" | "occurredAt">;

/** `event` before the outbox gives it an id and time; over a union, each member's own (a factory's return type). */
export type Unrecorded<E extends DomainEvent> = E extends DomainEvent ? Omit<E, "id" | "occurredAt"> : never;

/** The member of the event union `E` whose type is `K`. */
export type EventOfType<E extends DomainEvent, K extends E["type"]> = Extract<E, { readonly type: K }>;

/** Handlers for some of the events of the union `E`, each typed by the event it takes. */
export type EventHandlers<E extends DomainEvent, R = void> = { readonly [K in E["type"]]?: (event: EventOfType<E, K>) => R };

/**
 * One function for any event: calls the handler of the event's type, if there is one. The table is keyed by type, so
 * a handler only ever gets the event it is typed for, and a handler for an event that does not exist does not compile.
 */
export const handleEvents =
  <E extends DomainEvent, R = void>(handlers: EventHandlers<E, R>) =>
  (event: DomainEvent): R | undefined =>
    (handlers[event.type as E["type"]] as ((event: DomainEvent) => R) | undefined)?.(event);

/**
 * A stream consumer of some events of the union `E`: the types it names (the stream skips the others) and one
 * handler for any event.
 */
export const eventConsumer = <E extends DomainEvent>(handlers: EventHandlers<E, Promise<void>>) => {
  const handle = handleEvents(handlers);
  return {
    types: new Set<string>(Object.keys(handlers)) as ReadonlySet<string>,
    handle: async (event: DomainEvent): Promise<void> => void (await handle(event)),
  };
};

/**
 * Events arrive as JSON (the bus, the stream, the outbox) and are trusted to have the shape their type names: they
 * were all made by the typed factories of the domain that owns the type. The one place that says so.
 */
export const parseEvent = <E extends DomainEvent = DomainEvent>(json: string): E => JSON.parse(json) as E;
