import { and, asc, desc, eq, gt, gte, lt, sql } from "drizzle-orm";
import type { DbExecutor } from "./database";
import { messageColumns } from "./drizzle-message-rows";
import { messages } from "./message-schema";

/** One side of a history page: messages before (newest first) or from/after (oldest first) an id, or the newest. */
export type HistoryRange = { readonly before?: unknown; readonly from?: unknown; readonly after?: unknown; readonly limit: unknown };
export type Shape = "newest" | "before" | "after" | "from";

export const shapeOf = (range: HistoryRange): Shape =>
  range.before !== undefined ? "before" : range.after !== undefined ? "after" : range.from !== undefined ? "from" : "newest";

/**
 * The statement for one history range: a range scan of the primary key (channel_id, id) in the direction of the
 * range, stopped by LIMIT, so a page costs the same at any depth (no OFFSET). Exported so the EXPLAIN test checks
 * the very statement the API runs.
 */
export const historyRangeQuery = (db: DbExecutor, channelId: unknown, range: HistoryRange, viewerId: unknown) => {
  const shape = shapeOf(range);
  const bound =
    shape === "before"
      ? lt(messages.id, range.before as string)
      : shape === "after"
        ? gt(messages.id, range.after as string)
        : shape === "from"
          ? gte(messages.id, range.from as string)
          : undefined;
  return db
    .select(messageColumns(viewerId))
    .from(messages)
    .where(and(eq(messages.channelId, channelId as string), bound))
    .orderBy(shape === "after" || shape === "from" ? asc(messages.id) : desc(messages.id))
    .limit(range.limit as number);
};

const placeholders = { channelId: sql.placeholder("channelId"), anchor: sql.placeholder("anchor"), limit: sql.placeholder("limit"), viewer: sql.placeholder("viewer") };

/**
 * The hot reads as prepared statements (drizzle runs everything else unprepared, so Postgres would parse and plan
 * each page anew): one per history shape, and the single-message read.
 */
export const preparedReads = (db: DbExecutor) => {
  const { channelId, anchor, limit, viewer } = placeholders;
  const range = (shape: Shape) =>
    historyRangeQuery(db, channelId, shape === "newest" ? { limit } : { [shape]: anchor, limit }, viewer).prepare(`xcord_history_${shape}`);
  return {
    history: { newest: range("newest"), before: range("before"), after: range("after"), from: range("from") },
    find: db
      .select(messageColumns(viewer))
      .from(messages)
      .where(and(eq(messages.channelId, channelId as never), eq(messages.id, sql.placeholder("id") as never)))
      .prepare("xcord_message_find"),
  };
};
