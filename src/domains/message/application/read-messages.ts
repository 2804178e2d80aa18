import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, MessageFlags, PINS_MAX, type StarterThread } from "../domain/message";
import { type MessageUpdated, messageUpdated } from "../domain/message-events";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import { withThread, withThreads } from "./starter-threads";
import { unknownMessage } from "../domain/message-errors";
import type { MessagePayload } from "../domain/message-payloads";
import type { HistoryPage } from "../domain/message-repository";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { renderMessage, renderMessages } from "./message-views";
import { withDelivery } from "./dm-delivery";

export interface HistoryInput {
  readonly limit?: number;
  readonly before?: Snowflake;
  readonly after?: Snowflake;
  readonly around?: Snowflake;
}

type ReadDeps = Pick<MessageDeps, "permissions" | "repositories" | "users" | "signer" | "clock" | "publicUrl" | "historyCache" | "threadsByIds">;

/** Checks a history request: limit 1–100 (50 by default), at most one of before, after and around. */
export const historyPage = (input: HistoryInput): HistoryPage => {
  const limit = input.limit ?? HISTORY_LIMIT_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_LIMIT_MAX) throw invalidField("limit", `Must be between 1 and ${HISTORY_LIMIT_MAX}.`);
  const anchors = (["before", "after", "around"] as const).filter((name) => input[name] !== undefined);
  if (anchors.length > 1) throw invalidField(anchors[1] as string, "Only one of before, after and around may be given.");
  return { limit, before: input.before, after: input.after, around: input.around };
};

/**
 * A page of a channel's history, newest first (VIEW_CHANNEL, READ_MESSAGE_HISTORY): the newest messages, those just
 * before or after an anchor, or a window around it (limit/2 older, the rest newer, the anchor included).
 */
export const listMessages =
  (deps: ReadDeps) =>
  async (userId: Snowflake, channelId: Snowflake, input: HistoryInput): Promise<MessagePayload[]> => {
    const page = historyPage(input);
    const channel = await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
    const newest = page.before === undefined && page.after === undefined && page.around === undefined;
    const messages =
      newest && deps.historyCache
        ? await deps.historyCache.newest(channelId, page.limit, userId)
        : await withThreads(deps, await deps.repositories.messages.history(channelId, page, userId));
    return withDelivery(deps, channel, userId, await renderMessages(deps, messages));
  };

/** One message of a channel (VIEW_CHANNEL, READ_MESSAGE_HISTORY); 404 10008 when it is not there. */
export const getMessage =
  (deps: ReadDeps) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake): Promise<MessagePayload> => {
    const channel = await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
    const message = await deps.repositories.messages.find(channelId, messageId, userId);
    if (!message) throw unknownMessage();
    const [rendered] = await withDelivery(deps, channel, userId, [await renderMessage(deps, await withThread(deps, message))]);
    return rendered as MessagePayload;
  };

/**
 * The message a thread is started from, read by the starter (VIEW_CHANNEL, READ_MESSAGE_HISTORY; 404 10008), and the
 * parent's MESSAGE_UPDATE that shows it with its new thread (`thread`, HAS_THREAD), which the thread's transaction
 * records: Discord's event. Everyone hears the same event, so no viewer's `me` is in it.
 */
export const starterMessageUpdate =
  (deps: ReadDeps) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake): Promise<(thread: StarterThread) => Unrecorded<MessageUpdated>> => {
    const channel = await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
    const message = await deps.repositories.messages.find(channelId, messageId, userId);
    if (!message) throw unknownMessage();
    const body = await renderMessage(deps, { ...message, reactions: message.reactions.map((reaction) => ({ ...reaction, me: false })) });
    return (thread) => messageUpdated(channel, { ...body, flags: body.flags | MessageFlags.HAS_THREAD, thread });
  };

/** The channel's pinned messages, most recently pinned first (VIEW_CHANNEL, READ_MESSAGE_HISTORY). */
export const listPins =
  (deps: ReadDeps) =>
  async (userId: Snowflake, channelId: Snowflake): Promise<MessagePayload[]> => {
    await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
    return renderMessages(deps, await withThreads(deps, await deps.repositories.messages.pinned(channelId, userId)));
  };

/** A page of Discord's new pins listing: pins with their times, most recent first, and whether older ones remain. */
export interface PinsPage {
  readonly items: { pinned_at: string; message: MessagePayload }[];
  readonly has_more: boolean;
}

/**
 * The channel's pins pinned before `before` (an ISO 8601 time), at most `limit` (1–50, 50 by default), most recently
 * pinned first (VIEW_CHANNEL, READ_MESSAGE_HISTORY): Discord's `GET /channels/{id}/messages/pins`.
 */
export const listPinsPage =
  (deps: ReadDeps) =>
  async (userId: Snowflake, channelId: Snowflake, input: { before?: string; limit?: number }): Promise<PinsPage> => {
    const limit = input.limit ?? PINS_MAX;
    if (!Number.isInteger(limit) || limit < 1 || limit > PINS_MAX) throw invalidField("limit", `Must be between 1 and ${PINS_MAX}.`);
    const before = input.before === undefined ? undefined : new Date(input.before);
    if (before && Number.isNaN(before.getTime())) throw invalidField("before", "Must be an ISO 8601 timestamp.");
    await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
    const rows = await deps.repositories.messages.pinnedBefore(channelId, before, limit + 1, userId);
    const page = rows.slice(0, limit);
    const payloads = await renderMessages(deps, await withThreads(deps, page.map((row) => row.message)));
    return { items: page.map((row, index) => ({ pinned_at: row.pinnedAt.toISOString(), message: payloads[index] as MessagePayload })), has_more: rows.length > limit };
  };
