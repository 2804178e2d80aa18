import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { fails, lacks } from "../../../shared/presentation/error-schemas";
import { annotated } from "../../../shared/presentation/schema-types";
import type { MessageUseCases } from "../application/message-use-cases";
import {
  BulkDeleteBody,
  ChannelParams,
  EditMessageBody,
  HistoryQuery,
  MessageBody,
  MessageParams,
  SendMessageBody,
  UNKNOWN_MESSAGE,
  channelFailures,
  tags,
} from "./message-schemas";

const { group, route, limitedRoute } = routesTagged(tags);

/** Discord's send limit: 5 messages per 5 s per user and channel (`user-route` keys on the channel id). */
export const SEND_LIMIT: RateLimitRule = { bucket: "messages.send", limit: 5, periodMs: 5000, by: "user-route" };

/** Messages of a channel: send, history, one message, edit, delete, bulk delete. */
export const messageRoutes = ({ useCases, ...deps }: RouteDeps<MessageUseCases>) => {
  return group(deps)
    .post(
      "/channels/:id/messages",
      async ({ caller, params, body, status }) => {
        const sent = await useCases.sendMessage(caller.userId, params.id, {
          content: body.content,
          nonce: body.nonce,
          enforceNonce: body.enforce_nonce,
          attachmentIds: body.attachments?.map((entry) => (typeof entry === "string" ? entry : entry.id)),
        });
        return sent.created ? status(201, sent.message) : status(200, sent.message);
      },
      limitedRoute({ summary: "Send a message (SEND_MESSAGES; ATTACH_FILES with attachments); 200 with the first message for a repeated enforced nonce", schemas: { params: ChannelParams, body: SendMessageBody }, ok: { 201: annotated(MessageBody, { description: "Created — the new message" }), 200: annotated(MessageBody, { description: "OK — the first message sent with this enforced nonce in the last 5 minutes" }) }, failures: [lacks("SEND_MESSAGES", "ATTACH_FILES with attachments"), ...channelFailures, fails("VALIDATION", "no content and no attachments, or an attachment is not the caller's unused upload to this channel")], rateLimit: SEND_LIMIT }),
    )
    .get(
      "/channels/:id/messages",
      ({ caller, params, query }) =>
        useCases.listMessages(caller.userId, params.id, { limit: query.limit, before: query.before, after: query.after, around: query.around }),
      route({ summary: "History, newest first: the latest, or before/after/around a message id (READ_MESSAGE_HISTORY)", schemas: { params: ChannelParams, query: HistoryQuery }, ok: { 200: t.Array(MessageBody) }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures] }),
    )
    .post(
      "/channels/:id/messages/bulk-delete",
      async ({ caller, params, body }) => useCases.bulkDeleteMessages(caller.userId, params.id, body.messages).then(noContent),
      route({ summary: "Delete 2–100 messages of the last 14 days at once (MANAGE_MESSAGES)", schemas: { params: ChannelParams, body: BulkDeleteBody }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, fails("VALIDATION", "an id repeats, is not a message of the channel, or is older than 14 days")] }),
    )
    .get(
      "/channels/:id/messages/:message_id",
      ({ caller, params }) => useCases.getMessage(caller.userId, params.id, params.message_id),
      route({ summary: "One message (READ_MESSAGE_HISTORY)", schemas: { params: MessageParams }, ok: { 200: MessageBody }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE] }),
    )
    .patch(
      "/channels/:id/messages/:message_id",
      ({ caller, params, body }) => useCases.editMessage(caller.userId, params.id, params.message_id, body.content),
      route({ summary: "Edit a message's content; its author only (else 403 50005)", schemas: { params: MessageParams, body: EditMessageBody }, ok: { 200: MessageBody }, failures: [fails("NOT_AUTHOR", "the caller did not write the message"), ...channelFailures, UNKNOWN_MESSAGE] }),
    )
    .delete(
      "/channels/:id/messages/:message_id",
      async ({ caller, params }) => useCases.deleteMessage(caller.userId, params.id, params.message_id).then(noContent),
      route({ summary: "Delete a message: its author, or anyone with MANAGE_MESSAGES", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES (someone else's message)"), ...channelFailures, UNKNOWN_MESSAGE] }),
    );
};
