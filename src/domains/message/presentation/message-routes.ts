import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
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

/** Discord's send limit: 5 messages per 5 s per user and channel (`user-route` keys on the channel id). */
export const SEND_LIMIT: RateLimitRule = { bucket: "messages.send", limit: 5, periodMs: 5000, by: "user-route" };

/** Messages of a channel: send, history, one message, edit, delete, bulk delete. */
export const messageRoutes = (deps: RouteDeps<MessageUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
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
      {
        auth: true,
        rateLimit: SEND_LIMIT,
        params: ChannelParams,
        body: SendMessageBody,
        response: { 201: annotated(MessageBody, { description: "Created — the new message" }), 200: annotated(MessageBody, { description: "OK — the first message sent with this enforced nonce in the last 5 minutes" }), ...errorResponses({ auth: true, rateLimit: SEND_LIMIT }, lacks("SEND_MESSAGES", "ATTACH_FILES with attachments"), ...channelFailures, fails("VALIDATION", "no content and no attachments, or an attachment is not the caller's unused upload to this channel")) },
        detail: {
          summary: "Send a message (SEND_MESSAGES; ATTACH_FILES with attachments); 200 with the first message for a repeated enforced nonce",
          tags,
          security,
        },
      },
    )
    .get(
      "/channels/:id/messages",
      ({ caller, params, query }) =>
        useCases.listMessages(caller.userId, params.id, { limit: query.limit, before: query.before, after: query.after, around: query.around }),
      {
        auth: true,
        params: ChannelParams,
        query: HistoryQuery,
        response: { 200: t.Array(MessageBody), ...errorResponses({ auth: true }, lacks("READ_MESSAGE_HISTORY"), ...channelFailures) },
        detail: { summary: "History, newest first: the latest, or before/after/around a message id (READ_MESSAGE_HISTORY)", tags, security },
      },
    )
    .post(
      "/channels/:id/messages/bulk-delete",
      async ({ caller, params, body }) => useCases.bulkDeleteMessages(caller.userId, params.id, body.messages).then(noContent),
      {
        auth: true,
        params: ChannelParams,
        body: BulkDeleteBody,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_MESSAGES"), ...channelFailures, fails("VALIDATION", "an id repeats, is not a message of the channel, or is older than 14 days")) },
        detail: { summary: "Delete 2–100 messages of the last 14 days at once (MANAGE_MESSAGES)", tags, security },
      },
    )
    .get("/channels/:id/messages/:message_id", ({ caller, params }) => useCases.getMessage(caller.userId, params.id, params.message_id), {
      auth: true,
      params: MessageParams,
      response: { 200: MessageBody, ...errorResponses({ auth: true }, lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE) },
      detail: { summary: "One message (READ_MESSAGE_HISTORY)", tags, security },
    })
    .patch(
      "/channels/:id/messages/:message_id",
      ({ caller, params, body }) => useCases.editMessage(caller.userId, params.id, params.message_id, body.content),
      {
        auth: true,
        params: MessageParams,
        body: EditMessageBody,
        response: { 200: MessageBody, ...errorResponses({ auth: true }, fails("NOT_AUTHOR", "the caller did not write the message"), ...channelFailures, UNKNOWN_MESSAGE) },
        detail: { summary: "Edit a message's content; its author only (else 403 50005)", tags, security },
      },
    )
    .delete(
      "/channels/:id/messages/:message_id",
      async ({ caller, params }) => useCases.deleteMessage(caller.userId, params.id, params.message_id).then(noContent),
      {
        auth: true,
        params: MessageParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_MESSAGES (someone else's message)"), ...channelFailures, UNKNOWN_MESSAGE) },
        detail: { summary: "Delete a message: its author, or anyone with MANAGE_MESSAGES", tags, security },
      },
    );
};
