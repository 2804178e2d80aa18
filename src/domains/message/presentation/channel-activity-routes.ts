import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { fails, lacks } from "../../../shared/presentation/error-schemas";
import type { MessageUseCases } from "../application/message-use-cases";
import { ChannelParams, MessageBody, MessageParams, PinsPageBody, PinsQuery, UNKNOWN_MESSAGE, channelFailures, tags } from "./message-schemas";

const { group, route, limitedRoute } = routesTagged(tags);

/** Clients send typing every few seconds while typing; more than 10 per 10 s per channel is a bug or abuse. */
export const TYPING_LIMIT: RateLimitRule = { bucket: "channels.typing", limit: 10, periodMs: 10_000, by: "user-route" };

/** Pins, typing and read receipts of a channel. */
export const channelActivityRoutes = ({ useCases, ...deps }: RouteDeps<MessageUseCases>) => {
  return group(deps)
    .get(
      "/channels/:id/pins",
      ({ caller, params }) => useCases.listPins(caller.userId, params.id),
      route({ summary: "The channel's pinned messages, most recently pinned first (at most 50)", schemas: { params: ChannelParams }, ok: { 200: t.Array(MessageBody) }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures] }),
    )
    .put(
      "/channels/:id/pins/:message_id",
      async ({ caller, params }) => useCases.pinMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Pin a message (MANAGE_MESSAGES; anyone in a DM); at most 50 per channel", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE, fails("LIMIT_REACHED", "the channel has 50 pins")] }),
    )
    .delete(
      "/channels/:id/pins/:message_id",
      async ({ caller, params }) => useCases.unpinMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Unpin a message (MANAGE_MESSAGES; anyone in a DM)", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE] }),
    )
    .get(
      "/channels/:id/messages/pins",
      ({ caller, params, query }) => useCases.listPinsPage(caller.userId, params.id, { before: query.before, limit: query.limit }),
      route({ summary: "Discord's pins listing: pins with their times, most recently pinned first, before an ISO 8601 time (READ_MESSAGE_HISTORY)", schemas: { params: ChannelParams, query: PinsQuery }, ok: { 200: PinsPageBody }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures] }),
    )
    .put(
      "/channels/:id/messages/pins/:message_id",
      async ({ caller, params }) => useCases.pinMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Pin a message, Discord's new path (MANAGE_MESSAGES; anyone in a DM); at most 50 per channel", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE, fails("LIMIT_REACHED", "the channel has 50 pins")] }),
    )
    .delete(
      "/channels/:id/messages/pins/:message_id",
      async ({ caller, params }) => useCases.unpinMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Unpin a message, Discord's new path (MANAGE_MESSAGES; anyone in a DM)", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, UNKNOWN_MESSAGE] }),
    )
    .post(
      "/channels/:id/typing",
      async ({ caller, params }) => useCases.startTyping(caller.userId, params.id).then(noContent),
      limitedRoute({ summary: "Show that the caller is typing (TYPING_START, expires after 10 s; SEND_MESSAGES)", schemas: { params: ChannelParams }, ok: { 204: NoContent }, failures: [lacks("SEND_MESSAGES"), ...channelFailures], rateLimit: TYPING_LIMIT }),
    )
    .post(
      "/channels/:id/messages/:message_id/ack",
      async ({ caller, params }) => useCases.ackMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Mark the channel read up to this message (read receipt); clears the mentions up to it", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [...channelFailures, UNKNOWN_MESSAGE] }),
    );
};
