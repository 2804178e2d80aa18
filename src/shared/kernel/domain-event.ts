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
}

/** What a use case records before the repository gives it an id and time. */
export type NewDomainEvent<T extends string = string, D = unknown> = Omit<DomainEvent<T, D>, "id" | "occurredAt">;
