import type { CommitNotices } from "../../../shared/kernel/ports";
import { type RouteSettings, mountRoutes, routeDeps } from "../../../shared/presentation/route-kit";
import { createHistoryCache } from "../application/history-cache";
import { withThreads } from "../application/starter-threads";
import { createMembershipCache } from "../application/membership-cache";
import { createDeliveryTracker, markDelivered } from "../application/dm-delivery";
import type { MessageDeps } from "../application/message-deps";
import { messageUseCases } from "../application/message-use-cases";
import { attachmentRoutes } from "./attachment-routes";
import { channelActivityRoutes } from "./channel-activity-routes";
import { type ChannelPermissions, messageDispatchRules, messageReady } from "./message-gateway";
import { messageRoutes, sendInputOf } from "./message-routes";
import type { ForumMessageBody } from "./message-schemas";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ForumStarterRequest } from "../../channel";
import { reactionRoutes } from "./reaction-routes";
import { searchRoutes } from "./search-routes";
import type { WebhookPorts } from "../application/webhook-deps";
import { webhookUseCases } from "../application/webhook-use-cases";
import { webhookRoutes } from "./webhook-routes";
import { webhookTokenRoutes } from "./webhook-token-routes";


/** The adapters app.ts builds for the message domain, plus the auth plugin and rate-limit settings. */
export interface MessageModuleDeps extends MessageDeps, RouteSettings {
  /** What keeps the newest-page cache current; with `historyCacheBytes` > 0 the cache is on. */
  readonly notices: CommitNotices;
  readonly historyCacheBytes: number;
  /** Incoming webhooks' storage and tokens. */
  readonly webhooks: WebhookPorts;
  /** Where failures of background writes (DM delivery marks) are reported. */
  readonly onError?: (error: unknown, what: string) => void;
}

/** Loads the cache with nobody's reactions marked `me` (no user has id 0); the cache adds the viewer's own. */
const NO_VIEWER = "0";

/**
 * The message domain, wired: its REST routes (mount under /api/v1), its gateway part (dispatch rules and READY's
 * read_state), and its use cases (app.ts runs the background jobs of message-jobs.ts on them).
 */
export const createMessageModule = (deps: MessageModuleDeps) => {
  const historyCache =
    deps.historyCacheBytes > 0
      ? createHistoryCache({
          load: async (channelId, limit) => [...(await withThreads(deps, await deps.repositories.messages.history(channelId, { limit }, NO_VIEWER)))],
          mine: (viewerId, messageIds) => deps.repositories.reactions.mine(viewerId, messageIds),
          notices: deps.notices,
          clock: deps.clock,
          maxBytes: deps.historyCacheBytes,
        })
      : undefined;
  // Guild sends show the author's `member`: kept in memory, so a send costs no extra read for it.
  const members = createMembershipCache({ inner: deps.members, notices: deps.notices, clock: deps.clock });
  const useCases = messageUseCases({ ...deps, members, historyCache });
  const routes = routeDeps(useCases, deps);
  const deliveries = createDeliveryTracker({ markDelivered: markDelivered(deps), onError: (error) => deps.onError?.(error, "recording DM deliveries") });
  const webhooks = { ...routeDeps(webhookUseCases({ ...deps, members, historyCache }), deps), publicUrl: deps.publicUrl };

  return {
    routes: mountRoutes(routes, messageRoutes, reactionRoutes, channelActivityRoutes, searchRoutes, attachmentRoutes).use(
      mountRoutes(webhooks, webhookRoutes, webhookTokenRoutes),
    ),
    useCases,
    historyCache,
    /** Sends a forum post's first message into its new thread (the channel domain's ForumStarter); answers its payload. */
    forumStarter: async (userId: Snowflake, request: ForumStarterRequest) =>
      (
        await useCases.sendMessage(userId, request.threadId, {
          // The channel route checked the body against ForumMessageBody.
          ...sendInputOf(request.message as typeof ForumMessageBody.static),
          starter: { guildId: request.guildId, forumId: request.forumId, permissions: request.permissions, createThread: request.createThread },
        })
      ).message,
    /** `rules` takes the gateway's cached channel permissions, which decide who hears guild channel events. */
    gateway: {
      rules: (channelPermissions: ChannelPermissions) => messageDispatchRules(channelPermissions, deps.blocks),
      ready: messageReady(useCases),
      /** The gateway's hook for each event it sends a session: DM MESSAGE_CREATEs become delivery marks. */
      onForwarded: deliveries.forwarded,
    },
    /** Writes the pending DM delivery marks now (tests; they are written every 250 ms anyway). */
    flushDeliveries: deliveries.flush,
    /** Stops the newest-page and membership caches and the delivery marks. */
    close(): void {
      deliveries.close();
      historyCache?.close();
      members.close();
    },
  };
};

export type MessageModule = ReturnType<typeof createMessageModule>;
