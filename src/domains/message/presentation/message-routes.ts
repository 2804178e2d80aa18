import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { fails, lacks } from "../../../shared/presentation/error-schemas";
import { annotated } from "../../../shared/presentation/schema-types";
import type { MessageUseCases } from "../application/message-use-cases";
import type { AttachmentEntry } from "../application/message-files";
import type { SendMessageInput } from "../application/send-message";
import type { EditMessageInput } from "../application/edit-message";
import { multipartToJson, takeFiles } from "./message-multipart";
import {
  BulkDeleteBody,
  ChannelParams,
  EditMessageBody,
  EditMessageMultipart,
  SendMessageMultipart,
  HistoryQuery,
  MessageBody,
  MessageParams,
  SendMessageBody,
  UNKNOWN_MESSAGE,
  channelFailures,
  tags,
} from "./message-schemas";

const { group, route, limitedRoute } = routesTagged(tags);

type SendBody = typeof SendMessageBody.static;
type EditBody = typeof EditMessageBody.static;

/** `attachments` entries as the use cases read them: a bare id is `{id}`. */
export const entriesOf = (attachments: SendBody["attachments"] | EditBody["attachments"]): AttachmentEntry[] | null | undefined =>
  attachments?.map((entry) => (typeof entry === "string" ? { id: entry } : (entry as AttachmentEntry)));

/** Discord's `allowed_mentions` in the use cases' terms. */
export const allowedOf = (allowed: SendBody["allowed_mentions"]) =>
  allowed ? { parse: allowed.parse, users: allowed.users, roles: allowed.roles, repliedUser: allowed.replied_user } : allowed;

export const sendInputOf = (body: SendBody): SendMessageInput => ({
  content: body.content,
  nonce: body.nonce,
  enforceNonce: body.enforce_nonce,
  embeds: body.embeds,
  allowedMentions: allowedOf(body.allowed_mentions),
  messageReference: body.message_reference
    ? {
        messageId: body.message_reference.message_id,
        channelId: body.message_reference.channel_id,
        guildId: body.message_reference.guild_id,
        failIfNotExists: body.message_reference.fail_if_not_exists,
        type: body.message_reference.type,
      }
    : body.message_reference,
  flags: body.flags,
  attachments: entriesOf(body.attachments),
});

const editInputOf = (body: EditBody): EditMessageInput => ({
  content: body.content,
  embeds: body.embeds,
  flags: body.flags,
  allowedMentions: allowedOf(body.allowed_mentions),
  attachments: entriesOf(body.attachments),
});

/**
 * Discord's libraries send `null` for "none" (discord.py: `content: null`, an edit's `embeds: null`). Those fields'
 * schemas are not nullable, so that a bad embed is reported at its own path rather than as a failed union: null is
 * read here, before validation, as what it means on the route (left out, or emptied).
 */
const nullsOf = (body: unknown, meaning: Readonly<Record<string, unknown>>): unknown => {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const fields = body as Record<string, unknown>;
  if (!Object.keys(meaning).some((key) => fields[key] === null)) return body;
  const read: Record<string, unknown> = { ...fields };
  for (const [key, value] of Object.entries(meaning)) {
    if (read[key] !== null) continue;
    if (value === undefined) delete read[key];
    else read[key] = value;
  }
  return read;
};

/** Send: null is the same as leaving the field out. */
const SEND_NULLS = { embeds: undefined, allowed_mentions: undefined, message_reference: undefined, flags: undefined, attachments: undefined };
/** Edit: null empties embeds and attachments, and changes nothing else. */
export const EDIT_NULLS = { embeds: [], attachments: [], allowed_mentions: undefined, flags: undefined };

/**
 * A route's options reading JSON or Discord's multipart form (payload_json + files[n]), with the form's schema
 * declared for the OpenAPI document and JSON nulls read as `nulls` says.
 */
export const withMultipart = <R extends { detail: object }>(options: R, multipart: unknown, nulls: Readonly<Record<string, unknown>> = SEND_NULLS) => ({
  ...options,
  type: ["application/json", "multipart/form-data"] as ("application/json" | "multipart/form-data")[],
  transform: async (context: { request: Request; body: unknown }) => {
    context.body = nullsOf(await multipartToJson(context.request, context.body), nulls);
  },
  detail: { ...options.detail, "x-multipart": multipart },
});

/** Discord's send limit: 5 messages per 5 s per user and channel (`user-route` keys on the channel id). */
export const SEND_LIMIT: RateLimitRule = { bucket: "messages.send", limit: 5, periodMs: 5000, by: "user-route" };

/** Messages of a channel: send, history, one message, edit, delete, bulk delete. */
export const messageRoutes = ({ useCases, ...deps }: RouteDeps<MessageUseCases>) => {
  return group(deps)
    .post(
      "/channels/:id/messages",
      async ({ caller, params, body, status, request }) => {
        const sent = await useCases.sendMessage(caller.userId, params.id, { ...sendInputOf(body), files: await takeFiles(request) });
        return sent.created ? status(201, sent.message) : status(200, sent.message);
      },
      withMultipart(
        limitedRoute({ summary: "Send a message, JSON or multipart payload_json + files[n] (SEND_MESSAGES; ATTACH_FILES with attachments; READ_MESSAGE_HISTORY to reply); 200 with the first message for a repeated enforced nonce", schemas: { params: ChannelParams, body: SendMessageBody }, ok: { 201: annotated(MessageBody, { description: "Created — the new message" }), 200: annotated(MessageBody, { description: "OK — the first message sent with this enforced nonce in the last 5 minutes" }) }, failures: [lacks("SEND_MESSAGES", "ATTACH_FILES with attachments", "READ_MESSAGE_HISTORY to reply"), ...channelFailures, fails("NOT_TEXT_CHANNEL", "a voice, category or forum channel (a forum takes posts: POST /channels/{id}/threads)"), fails("VALIDATION", "no content, embeds or attachments; an embed over Discord's limits; a replied-to message not in the channel; an attachment is not the caller's unused upload to this channel"), fails("PAYLOAD_TOO_LARGE", "a file is larger than MAX_UPLOAD_BYTES")], rateLimit: SEND_LIMIT }),
        SendMessageMultipart,
      ),
    )
    .get(
      "/channels/:id/messages",
      ({ caller, params, query }) =>
        useCases.listMessages(caller.userId, params.id, { limit: query.limit, before: query.before, after: query.after, around: query.around }),
      route({ summary: "History, newest first: the latest, or before/after/around a message id (READ_MESSAGE_HISTORY)", schemas: { params: ChannelParams, query: HistoryQuery }, ok: { 200: t.Array(MessageBody) }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures] }),
    )
    .post(
      "/channels/:id/messages/bulk-delete",
      async ({ caller, params, body, request }) => useCases.bulkDeleteMessages(caller.userId, params.id, body.messages, auditReason(request)).then(noContent),
      route({ summary: "Delete 2–100 messages of the last 14 days at once (MANAGE_MESSAGES)", schemas: { params: ChannelParams, body: BulkDeleteBody }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES"), ...channelFailures, fails("VALIDATION", "an id repeats, is not a message of the channel, or is older than 14 days")] }),
    )
    .get(
      "/channels/:id/messages/:message_id",
      ({ caller, params }) => useCases.getMessage(caller.userId, params.id, params.message_id),
      route({ summary: "One message (READ_MESSAGE_HISTORY)", schemas: { params: MessageParams }, ok: { 200: MessageBody }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, UNKNOWN_MESSAGE] }),
    )
    .patch(
      "/channels/:id/messages/:message_id",
      async ({ caller, params, body, request }) =>
        useCases.editMessage(caller.userId, params.id, params.message_id, { ...editInputOf(body), files: await takeFiles(request) }),
      withMultipart(
        route({ summary: "Edit a message's content, embeds, SUPPRESS_EMBEDS and attachments (JSON or multipart payload_json + files[n]); its author only (else 403 50005)", schemas: { params: MessageParams, body: EditMessageBody }, ok: { 200: MessageBody }, failures: [fails("NOT_AUTHOR", "the caller did not write the message"), lacks("ATTACH_FILES with new files"), ...channelFailures, UNKNOWN_MESSAGE, fails("PAYLOAD_TOO_LARGE", "a file is larger than MAX_UPLOAD_BYTES")] }),
        EditMessageMultipart,
        EDIT_NULLS,
      ),
    )
    .delete(
      "/channels/:id/messages/:message_id",
      async ({ caller, params, request }) => useCases.deleteMessage(caller.userId, params.id, params.message_id, auditReason(request)).then(noContent),
      route({ summary: "Delete a message: its author, or anyone with MANAGE_MESSAGES", schemas: { params: MessageParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_MESSAGES (someone else's message)"), ...channelFailures, UNKNOWN_MESSAGE] }),
    );
};
