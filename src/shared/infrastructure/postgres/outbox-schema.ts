import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { snowflake, timestamptz } from "./columns";

/**
 * The transactional outbox: written in the same transaction as the change it describes,
 * relayed to the event stream and pub/sub afterwards, at least once.
 */
export const outbox = pgTable(
  "outbox",
  {
    /** The event id (a snowflake): consumers de-duplicate on it. */
    id: snowflake("id").primaryKey(),
    type: text("type").notNull(),
    topics: text("topics").array().notNull(),
    data: jsonb("data").notNull(),
    occurredAt: timestamptz("occurred_at").notNull(),
    publishedAt: timestamptz("published_at"),
    /** The W3C traceparent of the work that recorded the event, when tracing is on (DomainEvent.trace). */
    trace: text("trace"),
  },
  // Partial index: the relay only ever scans what is still to publish.
  (table) => [index("outbox_unpublished_idx").on(table.id).where(sql`published_at IS NULL`)],
);
