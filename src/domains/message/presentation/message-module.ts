import { Elysia } from "elysia";
import type { CommitNotices, EventStream, KeyValueStore, RateLimiter } from "../../../shared/kernel/ports";
import { idempotentHandler } from "../../../shared/infrastructure/idempotent-consumer";
import { rateLimiting } from "../../../shared/presentation/rate-limit";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import { openAttachment, purgeUnused, uploadAttachment } from "../application/attachments";
import { BAN_CLEANUP_EVENTS, deleteBannedUserMessages } from "../application/ban-cleanup";
import { bulkDeleteMessages, deleteMessage } from "../application/delete-messages";
import { editMessage } from "../application/edit-message";
import { createHistoryCache } from "../application/history-cache";
import type { MessageDeps } from "../application/message-deps";
import { pinMessage, unpinMessage } from "../application/pins";
import { addReaction, listReactionUsers, removeReaction } from "../application/reactions";
import { getMessage, listMessages, listPins } from "../application/read-messages";
import { ackMessage, readStates } from "../application/read-states";
import { searchMessages } from "../application/search-messages";
import { sendMessage } from "../application/send-message";
import { startTyping } from "../application/typing";
import { attachmentRoutes } from "./attachment-routes";
import { channelActivityRoutes } from "./channel-activity-routes";
import { type ChannelPermissions, messageDispatchRules, messageReady } from "./message-gateway";
import { messageRoutes } from "./message-routes";
import { reactionRoutes } from "./reaction-routes";
import { searchRoutes } from "./search-routes";

/** The adapters app.ts builds for the message domain, plus auth, rate limits and the event stream for its workers. */
export interface MessageModuleDeps extends MessageDeps {
  readonly auth: AuthPlugin;
  readonly rateLimiter: RateLimiter;
  readonly rateLimitScale: number;
  readonly trustProxy: boolean;
  /** Where GUILD_BAN_ADD arrives from, and the store that makes its handling idempotent. */
  readonly stream: EventStream;
  readonly kv: KeyValueStore;
  /** This node's name in consumer groups. */
  readonly consumerName: string;
  readonly onError: (error: unknown, what: string) => void;
  /** How often unused uploads and expired nonces are purged. */
  readonly purgeIntervalMs?: number;
  /** What keeps the newest-page cache current; with `historyCacheBytes` > 0 the cache is on. */
  readonly notices: CommitNotices;
  readonly historyCacheBytes: number;
}

/** Loads the cache with nobody's reactions marked `me` (no user has id 0); the cache adds the viewer's own. */
const NO_VIEWER = "0";

const useCasesOf = (deps: MessageDeps) => ({
  sendMessage: sendMessage(deps),
  listMessages: listMessages(deps),
  getMessage: getMessage(deps),
  editMessage: editMessage(deps),
  deleteMessage: deleteMessage(deps),
  bulkDeleteMessages: bulkDeleteMessages(deps),
  addReaction: addReaction(deps),
  removeReaction: removeReaction(deps),
  listReactionUsers: listReactionUsers(deps),
  listPins: listPins(deps),
  pinMessage: pinMessage(deps),
  unpinMessage: unpinMessage(deps),
  startTyping: startTyping(deps),
  ackMessage: ackMessage(deps),
  readStates: readStates(deps),
  searchMessages: searchMessages(deps),
  uploadAttachment: uploadAttachment(deps),
  openAttachment: openAttachment(deps),
  purgeUnused: purgeUnused(deps),
  deleteBannedUserMessages: deleteBannedUserMessages(deps),
});

export type MessageUseCases = ReturnType<typeof useCasesOf>;

const BAN_CLEANUP_GROUP = "message.ban-cleanup";

/**
 * The message domain, wired: its REST routes (mount under /api/v1), its gateway part (dispatch rules and READY's
 * read_state), and its background work (`start`): deleting a banned user's recent messages on GUILD_BAN_ADD, and
 * purging unused uploads and expired nonces.
 */
export const createMessageModule = (deps: MessageModuleDeps) => {
  const historyCache =
    deps.historyCacheBytes > 0
      ? createHistoryCache({
          load: (channelId, limit) => deps.repositories.messages.history(channelId, { limit }, NO_VIEWER),
          mine: (viewerId, messageIds) => deps.repositories.reactions.mine(viewerId, messageIds),
          notices: deps.notices,
          clock: deps.clock,
          maxBytes: deps.historyCacheBytes,
        })
      : undefined;
  const useCases = useCasesOf({ ...deps, historyCache });
  const rateLimits = rateLimiting({ limiter: deps.rateLimiter, scale: deps.rateLimitScale, trustProxy: deps.trustProxy });
  const routeDeps = { useCases, auth: deps.auth, rateLimits };
  const stoppers: Array<() => Promise<void>> = [];

  return {
    routes: new Elysia()
      .use(messageRoutes(routeDeps))
      .use(reactionRoutes(routeDeps))
      .use(channelActivityRoutes(routeDeps))
      .use(searchRoutes(routeDeps))
      .use(attachmentRoutes(routeDeps)),
    useCases,
    historyCache,
    /** `rules` takes the gateway's cached channel permissions, which decide who hears guild channel events. */
    gateway: { rules: (channelPermissions: ChannelPermissions) => messageDispatchRules(channelPermissions), ready: messageReady(useCases) },
    /** Starts the ban-cleanup consumer and the periodic purge (on nodes with the worker role). */
    async start(): Promise<void> {
      const handle = idempotentHandler(deps.kv, BAN_CLEANUP_GROUP, async (event) => void (await useCases.deleteBannedUserMessages(event)));
      stoppers.push(await deps.stream.consume({ group: BAN_CLEANUP_GROUP, consumer: deps.consumerName, types: BAN_CLEANUP_EVENTS }, handle));
      const timer = setInterval(
        () => void useCases.purgeUnused().catch((error: unknown) => deps.onError(error, "attachment purge")),
        deps.purgeIntervalMs ?? 10 * 60_000,
      );
      timer.unref?.();
      stoppers.push(async () => clearInterval(timer));
    },
    /** Stops the background work. */
    async close(): Promise<void> {
      historyCache?.close();
      await Promise.all(stoppers.splice(0).map((stop) => stop()));
    },
  };
};

export type MessageModule = ReturnType<typeof createMessageModule>;
