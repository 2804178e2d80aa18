import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
import type { MessageUseCases } from "../application/message-use-cases";
import { ChannelParams, MessageBody, MessageParams, UNKNOWN_MESSAGE, channelFailures, tags } from "./message-schemas";

/** Clients send typing every few seconds while typing; more than 10 per 10 s per channel is a bug or abuse. */
export const TYPING_LIMIT: RateLimitRule = { bucket: "channels.typing", limit: 10, periodMs: 10_000, by: "user-route" };

/** Pins, typing and read receipts of a channel. */
export const channelActivityRoutes = (deps: RouteDeps<MessageUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get("/channels/:id/pins", ({ caller, params }) => useCases.listPins(caller.userId, params.id), {
      auth: true,
      params: ChannelParams,
      response: { 200: t.Array(MessageBody), ...errorResponses({ auth: true }, lacks("READ_MESSAGE_HISTORY"), ...channelFailures) },
      detail: { summary: "The channel's pinned messages, most recently pinned first (at most 50)", tags, security },
    })
    .put(
      "/channels/:id/pins/:message_id",
      async ({ caller, params }) => useCases.pinMessage(caller.userId, params.id, params.message_id).then(noContent),
      {
        auth: true,
        params: MessageParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE, fails("LIMIT_REACHED", "the channel has 50 pins")) },
        detail: { summary: "Pin a message (MANAGE_MESSAGES; anyone in a DM); at most 50 per channel", tags, security },
      },
    )
    .delete(
      "/channels/:id/pins/:message_id",
      async ({ caller, params }) => useCases.unpinMessage(caller.userId, params.id, params.message_id).then(noContent),
      {
        auth: true,
        params: MessageParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE) },
        detail: { summary: "Unpin a message (MANAGE_MESSAGES; anyone in a DM)", tags, security },
      },
    )
    .post(
      "/channels/:id/typing",
      async ({ caller, params }) => useCases.startTyping(caller.userId, params.id).then(noContent),
      {
        auth: true,
        rateLimit: TYPING_LIMIT,
        params: ChannelParams,
        response: { 204: NoContent, ...errorResponses({ auth: true, rateLimit: TYPING_LIMIT }, lacks("SEND_MESSAGES"), ...channelFailures) },
        detail: { summary: "Show that the caller is typing (TYPING_START, expires after 10 s; SEND_MESSAGES)", tags, security },
      },
    )
    .post(
      "/channels/:id/messages/:message_id/ack",
      async ({ caller, params }) => useCases.ackMessage(caller.userId, params.id, params.message_id).then(noContent),
      {
        auth: true,
        params: MessageParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, ...channelFailures, UNKNOWN_MESSAGE) },
        detail: { summary: "Mark the channel read up to this message (read receipt); clears the mentions up to it", tags, security },
      },
    );
};
