import { Kind, Type, TypeRegistry } from "@sinclair/typebox";
import { t } from "elysia";
import { MultipartForm } from "../../../shared/presentation/body-parser";
import { fails } from "../../../shared/presentation/error-schemas";
import { CodePointString, IntegerInput, ResponseInteger, SnowflakeString, Timestamp, exampleOf } from "../../../shared/presentation/schema-types";
import { UserBody } from "../../identity";
import { WebhookAuthorBody } from "./webhook-schemas";
import { SEARCH_LIMIT_MAX, SEARCH_OFFSET_MAX, SEARCH_QUERY_MAX } from "../application/search-messages";
import { BULK_DELETE_MAX, BULK_DELETE_MIN, CONTENT_MAX, HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, MessageFlags, NONCE_MAX, PINS_MAX, type StarterThread } from "../domain/message";
import { ALLOWED_MENTIONS_IDS_MAX } from "../domain/allowed-mentions";
import { DESCRIPTION_MAX, FILENAME_MAX } from "../domain/attachment";
import { EMBEDS_MAX, EmbedLimits } from "../domain/embeds";
import { ChannelBody, channelFailures } from "../../channel";

export { SnowflakeString, channelFailures };

const strict = { additionalProperties: false } as const;
export const tags = ["Messages"];
export const UNKNOWN_MESSAGE = fails("UNKNOWN_MESSAGE", "no such message in the channel");

export const AttachmentBody = t.Object(
  {
    id: SnowflakeString,
    filename: t.String(),
    content_type: t.String({ description: "detected from the file's bytes, not from what the client said" }),
    size: ResponseInteger({ description: "bytes" }),
    url: t.String({ description: "signed, expires after about 24 hours; ask the API again for a fresh one" }),
    proxy_url: t.String({ description: "Discord's media-proxy URL, which its libraries require: the same as url (XCord has no proxy)" }),
    width: t.Optional(ResponseInteger({ description: "images only" })),
    height: t.Optional(ResponseInteger({ description: "images only" })),
    description: t.Optional(t.String({ description: "alt text, when given" })),
  },
  {
    title: "Attachment",
    examples: [
      {
        id: "1234567890123456794",
        filename: "cat.png",
        content_type: "image/png",
        size: 48213,
        url: "http://127.0.0.1:3000/api/v1/attachments/1234567890123456794/cat.png?ex=1735819200&sig=3f2a9c",
        proxy_url: "http://127.0.0.1:3000/api/v1/attachments/1234567890123456794/cat.png?ex=1735819200&sig=3f2a9c",
        width: 640,
        height: 480,
      },
    ],
  },
);

/** A reaction's emoji: `{id: null, name}` for a unicode one, `{id, name, animated}` for a guild's custom emoji. */
export const ReactionEmojiBody = t.Union([
  t.Object({ id: t.Null(), name: t.String({ description: "the unicode emoji" }) }),
  t.Object({ id: SnowflakeString, name: t.String({ description: "the custom emoji's name when first used on the message" }), animated: t.Boolean() }),
]);

export const ReactionBody = t.Object(
  { emoji: ReactionEmojiBody, count: ResponseInteger(), me: t.Boolean({ description: "the caller reacted with it" }) },
  { title: "Reaction", examples: [{ emoji: { id: null, name: "👍" }, count: 2, me: true }] },
);

const embedText = (max: number, description?: string) => CodePointString({ maxLength: max, ...(description ? { description } : {}) });
const embedUrl = (attachment: boolean) =>
  t.String({ maxLength: EmbedLimits.url, description: attachment ? "http(s) URL, or attachment://filename (kept as given)" : "http(s) URL" });
/** Parts of Discord's embed objects XCord does not keep: accepted (libraries echo received embeds) and dropped. */
const dropped = (what: string) => t.Optional(t.Unknown({ description: `${what}: accepted and ignored` }));
const EmbedMediaInput = t.Object(
  { url: embedUrl(true), proxy_url: dropped("proxy_url"), width: dropped("width"), height: dropped("height"), flags: dropped("flags") },
  strict,
);

/** An embed as sent; strings count code points, as Discord's limits do. */
export const EmbedInputBody = t.Object(
  {
    type: t.Optional(t.String({ maxLength: 32, description: "stored as \"rich\" whatever is sent" })),
    title: t.Optional(embedText(EmbedLimits.title)),
    description: t.Optional(embedText(EmbedLimits.description)),
    url: t.Optional(embedUrl(false)),
    timestamp: t.Optional(t.String({ maxLength: 64, description: "ISO 8601" })),
    color: t.Optional(t.Nullable(t.Integer({ minimum: 0, maximum: EmbedLimits.color }))),
    footer: t.Optional(t.Object({ text: embedText(EmbedLimits.footerText), icon_url: t.Optional(embedUrl(true)), proxy_icon_url: dropped("proxy_icon_url") }, strict)),
    image: t.Optional(EmbedMediaInput),
    thumbnail: t.Optional(EmbedMediaInput),
    video: dropped("video"),
    provider: dropped("provider"),
    author: t.Optional(
      t.Object({ name: embedText(EmbedLimits.authorName), url: t.Optional(embedUrl(false)), icon_url: t.Optional(embedUrl(true)), proxy_icon_url: dropped("proxy_icon_url") }, strict),
    ),
    fields: t.Optional(
      t.Array(t.Object({ name: embedText(EmbedLimits.fieldName), value: embedText(EmbedLimits.fieldValue), inline: t.Optional(t.Boolean()) }, strict), {
        maxItems: EmbedLimits.fields,
      }),
    ),
  },
  { ...strict, title: "EmbedInput", description: `Discord's rich embed; all embeds of a message together hold at most ${EmbedLimits.total} characters of text` },
);

export const EmbedBody = t.Object(
  {
    type: t.Literal("rich"),
    title: t.Optional(t.String()),
    description: t.Optional(t.String()),
    url: t.Optional(t.String()),
    timestamp: t.Optional(t.String({ format: "date-time" })),
    color: t.Optional(ResponseInteger()),
    footer: t.Optional(t.Object({ text: t.String(), icon_url: t.Optional(t.String()) })),
    image: t.Optional(t.Object({ url: t.String() })),
    thumbnail: t.Optional(t.Object({ url: t.String() })),
    author: t.Optional(t.Object({ name: t.String(), url: t.Optional(t.String()), icon_url: t.Optional(t.String()) })),
    fields: t.Optional(t.Array(t.Object({ name: t.String(), value: t.String(), inline: t.Optional(t.Boolean()) }))),
  },
  { title: "Embed", examples: [{ type: "rich", title: "Build passed", description: "main @ 3f2a9c", color: 5763719 }] },
);

export const MessageReferenceBody = t.Object(
  { type: t.Literal(0, { description: "0: a reply" }), message_id: SnowflakeString, channel_id: SnowflakeString, guild_id: t.Optional(SnowflakeString) },
  { title: "MessageReference" },
);

export const MessageMemberBody = t.Object(
  {
    roles: t.Array(SnowflakeString),
    nick: t.Nullable(t.String()),
    avatar: t.Null(),
    joined_at: Timestamp,
    premium_since: t.Null(),
    deaf: t.Literal(false),
    mute: t.Literal(false),
    flags: t.Literal(0),
    pending: t.Literal(false),
  },
  {
    title: "MessageMember",
    description: "the author as a guild member (Discord's partial member, no user): in guild MESSAGE_CREATE and MESSAGE_UPDATE only, not in REST answers (as Discord)",
  },
);

const messageFields = {
  id: SnowflakeString,
  type: ResponseInteger({ description: "0: default, 19: reply" }),
  channel_id: SnowflakeString,
  guild_id: t.Optional(SnowflakeString),
  author: t.Union([UserBody, WebhookAuthorBody], { description: "the user who wrote it, or for a webhook's message the webhook (WebhookAuthor)" }),
  webhook_id: t.Optional(SnowflakeString),
  content: t.String(),
  created_at: Timestamp,
  edited_at: t.Nullable(Timestamp),
  mentions: t.Array(UserBody),
  mention_everyone: t.Boolean(),
  attachments: t.Array(AttachmentBody),
  reactions: t.Array(ReactionBody),
  pinned: t.Boolean(),
  timestamp: t.String({ format: "date-time", description: "Discord's name for created_at (the same value)" }),
  edited_timestamp: t.Nullable(t.String({ format: "date-time", description: "Discord's name for edited_at (the same value)" })),
  tts: t.Literal(false, { description: "always false: XCord has no text-to-speech" }),
  mention_roles: t.Array(SnowflakeString, { description: "roles mentioned with <@&id> (mentionable ones, or any with MENTION_EVERYONE)" }),
  embeds: t.Array(EmbedBody),
  components: t.Array(t.Never(), { description: "always empty: XCord has no message components" }),
  flags: ResponseInteger({ description: "SUPPRESS_EMBEDS (4), HAS_THREAD (32: a thread was started from it) and SUPPRESS_NOTIFICATIONS (4096)" }),
  delivery: t.Optional(
    t.Union([t.Literal("sent"), t.Literal("delivered"), t.Literal("read")], {
      description:
        "XCord extension (Discord has none): on the caller's own messages in a DM, in REST answers: sent (stored), delivered (a gateway session of the recipient got it), read (the recipient's read state reached it)",
    }),
  ),
  message_reference: t.Optional(MessageReferenceBody),
};

const ReferencedMessageBody = t.Object(messageFields, { title: "ReferencedMessage", description: "the replied-to message (without its own referenced_message)" });

const messageExample = {
  id: "1234567890123456793",
  type: 0,
  channel_id: "1234567890123456790",
  guild_id: "1234567890123456789",
  author: exampleOf(UserBody),
  content: "Hello, world!",
  created_at: "2025-01-01T12:00:00.000Z",
  edited_at: null,
  mentions: [],
  mention_everyone: false,
  attachments: [],
  reactions: [],
  pinned: false,
  timestamp: "2025-01-01T12:00:00.000Z",
  edited_timestamp: null,
  tts: false,
  mention_roles: [],
  embeds: [],
  components: [],
  flags: 0,
};

export const MessageBody = t.Object(
  {
    ...messageFields,
    referenced_message: t.Optional(t.Nullable(ReferencedMessageBody, { description: "replies only: the replied-to message, null once it is deleted" })),
    // The channel domain's object, carried as is; a schema of its own, since Elysia closes (additionalProperties)
    // the schemas of responses it checks, and one titled Channel must stay one schema.
    thread: t.Optional(
      t.Unsafe<StarterThread>({
        ...ChannelBody,
        title: "StarterThread",
        description: "a message a thread was started from (flag HAS_THREAD, 32): that thread, as GET /channels/{id} shows it",
      }),
    ),
    member: t.Optional(MessageMemberBody),
    nonce: t.Optional(t.Union([t.String(), ResponseInteger()], { description: "only in the answer to the send" })),
  },
  { title: "Message", examples: [messageExample] },
);

const Nonce = t.Union(
  [
    CodePointString({ minLength: 1, maxLength: NONCE_MAX }),
    ResponseInteger({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER }),
  ],
  { description: `a string of 1–${NONCE_MAX} characters or an integer; echoed back, and with enforce_nonce de-duplicates sends for 5 minutes` },
);

/** Message content counts code points, as the domain does: 4000 emojis are 4000 characters, not 8000. */
const content = (description: string) => CodePointString({ maxLength: CONTENT_MAX, description });

const AllowedMentionsBody = t.Object(
  {
    parse: t.Optional(t.Array(t.Union([t.Literal("users"), t.Literal("roles"), t.Literal("everyone")]), { maxItems: 3 })),
    users: t.Optional(t.Array(SnowflakeString, { maxItems: ALLOWED_MENTIONS_IDS_MAX })),
    roles: t.Optional(t.Array(SnowflakeString, { maxItems: ALLOWED_MENTIONS_IDS_MAX })),
    replied_user: t.Optional(t.Boolean()),
  },
  {
    ...strict,
    title: "AllowedMentions",
    description: "which mentions of the content count; a kind in parse excludes a list of it (400); without this object all count, the replied-to author included",
  },
);

const MessageReferenceInput = t.Object(
  {
    message_id: t.Optional(SnowflakeString),
    channel_id: t.Optional(SnowflakeString),
    guild_id: t.Optional(SnowflakeString),
    fail_if_not_exists: t.Optional(t.Boolean({ description: "false: an unknown message sends a plain message instead of 400" })),
    type: t.Optional(t.Integer({ description: "0 (reply) only: XCord has no forwards" })),
  },
  { ...strict, title: "MessageReferenceInput", description: "reply to a message of this channel" },
);

const AttachmentEntryBody = t.Object(
  {
    id: t.Union([SnowflakeString, t.String({ pattern: "^[0-9]{1,2}$" }), t.Integer({ minimum: 0, maximum: 99 })], {
      description: "n of a file part files[n] of this request, or the id of an upload (send) or of an attachment to keep (edit)",
    }),
    filename: t.Optional(t.String({ minLength: 1, maxLength: FILENAME_MAX })),
    description: t.Optional(t.Nullable(CodePointString({ maxLength: DESCRIPTION_MAX, description: "alt text" }))),
  },
  // Libraries echo whole attachment objects when editing: their other fields are ignored.
  { additionalProperties: true, title: "AttachmentEntry" },
);

const flagsField = t.Integer({
  minimum: 0,
  description: `SUPPRESS_EMBEDS (${MessageFlags.SUPPRESS_EMBEDS}) and SUPPRESS_NOTIFICATIONS (${MessageFlags.SUPPRESS_NOTIFICATIONS}) only; other bits 400`,
});
const ignored = (why: string) => t.Optional(t.Unknown({ description: `accepted and ignored: ${why}` }));
const attachmentsField = t.Array(t.Union([SnowflakeString, AttachmentEntryBody]), {
  maxItems: 10,
  description: "uploads to attach (ids, or {id}) and the metadata of this request's files[n] ({id: n, filename, description})",
});

export const SendMessageBody = t.Object(
  {
    content: t.Optional(t.Nullable(content(`at most ${CONTENT_MAX} characters (code points); may be empty with attachments or embeds`))),
    nonce: t.Optional(Nonce),
    enforce_nonce: t.Optional(t.Boolean()),
    tts: t.Optional(t.Boolean({ description: "accepted; messages are never text-to-speech (tts is always false)" })),
    embeds: t.Optional(t.Array(EmbedInputBody, { maxItems: EMBEDS_MAX, description: "null: none" })),
    allowed_mentions: t.Optional(AllowedMentionsBody),
    message_reference: t.Optional(MessageReferenceInput),
    components: ignored("XCord has no message components"),
    sticker_ids: ignored("XCord has no stickers"),
    poll: ignored("XCord has no polls"),
    flags: t.Optional(flagsField),
    attachments: t.Optional(attachmentsField),
  },
  // Content only: the example must work when executed as is, and attachment ids would have to be uploaded first.
  { ...strict, examples: [{ content: "Hello, world!" }] },
);

/**
 * A forum post's first message: what a send takes, less nonces, replies and attachments (Discord's forum thread
 * message params; XCord's uploads belong to an existing channel, and the post's thread does not exist yet).
 */
export const ForumMessageBody = t.Omit(SendMessageBody, ["nonce", "enforce_nonce", "message_reference", "attachments"], {
  ...strict,
  title: "ForumThreadMessage",
  examples: [{ content: "What do you think of the new release?" }],
});

export const EditMessageBody = t.Object(
  {
    content: t.Optional(t.Nullable(content(`at most ${CONTENT_MAX} characters (code points); null clears it`))),
    embeds: t.Optional(t.Array(EmbedInputBody, { maxItems: EMBEDS_MAX, description: "replaces the embeds; null or [] removes them" })),
    flags: t.Optional(flagsField),
    allowed_mentions: t.Optional(AllowedMentionsBody),
    attachments: t.Optional(t.Array(AttachmentEntryBody, { maxItems: 10, description: "the attachments to keep (all others are removed; null keeps none) and the metadata of new files[n]" })),
    components: ignored("XCord has no message components"),
    // Discord's libraries send their whole message payload on edits too (discord.js: tts and enforce_nonce false;
    // discord.py: tts): accepted and ignored, as Discord does.
    tts: ignored("sent by Discord's libraries on edits; messages are never text-to-speech"),
    nonce: ignored("a nonce only means something on a send"),
    enforce_nonce: ignored("a nonce only means something on a send"),
    sticker_ids: ignored("XCord has no stickers"),
    poll: ignored("XCord has no polls"),
  },
  { ...strict, examples: [{ content: "Hello, edited world!" }] },
);

/** The multipart form of a send or edit, as Discord's libraries send it; described for the OpenAPI document. */
const multipartOf = (json: string) =>
  t.Object(
    {
      payload_json: t.Optional(t.String({ description: `the JSON body (${json}) as a string` })),
      "files[0]": t.Optional(t.File({ description: "a file; files[0]…files[9], each at most MAX_UPLOAD_BYTES; describe it with attachments: [{id: 0, …}] in payload_json" })),
    },
    { title: `${json}Multipart`, additionalProperties: t.File(), description: "payload_json and files[n] fields only" },
  );
export const SendMessageMultipart = multipartOf("SendMessageBody");
export const EditMessageMultipart = multipartOf("EditMessageBody");

export const PinsQuery = t.Object({
  before: t.Optional(t.String({ format: "date-time", description: "only pins pinned before this ISO 8601 time" })),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: PINS_MAX, default: PINS_MAX, description: `1–${PINS_MAX}, ${PINS_MAX} by default` })),
});

export const PinsPageBody = t.Object(
  {
    items: t.Array(t.Object({ pinned_at: Timestamp, message: MessageBody }), { description: "most recently pinned first" }),
    has_more: t.Boolean(),
  },
  { title: "PinsPage", examples: [{ items: [{ pinned_at: "2025-01-01T12:00:00.000Z", message: messageExample }], has_more: false }] },
);

export const BulkDeleteBody = t.Object(
  {
    messages: t.Array(SnowflakeString, {
      minItems: BULK_DELETE_MIN,
      maxItems: BULK_DELETE_MAX,
      description: `${BULK_DELETE_MIN}–${BULK_DELETE_MAX} distinct ids of this channel's last 14 days`,
    }),
  },
  { ...strict, examples: [{ messages: ["1234567890123456793", "1234567890123456796"] }] },
);

export const ChannelParams = t.Object({ id: SnowflakeString });
export const MessageParams = t.Object({ id: SnowflakeString, message_id: SnowflakeString });
export const ReactionParams = t.Object({
  id: SnowflakeString,
  message_id: SnowflakeString,
  emoji: t.String({ maxLength: 256, description: "a unicode emoji, or a custom one as `name:id`, URL-encoded" }),
});

export const HistoryQuery = t.Object({
  limit: t.Optional(
    IntegerInput({
      minimum: 1,
      maximum: HISTORY_LIMIT_MAX,
      default: HISTORY_LIMIT_DEFAULT,
      description: `1–${HISTORY_LIMIT_MAX}, ${HISTORY_LIMIT_DEFAULT} by default`,
    }),
  ),
  before: t.Optional(SnowflakeString),
  after: t.Optional(SnowflakeString),
  around: t.Optional(SnowflakeString),
});

export const ReactionUsersQuery = t.Object({
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: 100, default: 25, description: "1–100, 25 by default" })),
  after: t.Optional(SnowflakeString),
});

export const SearchQuery = t.Object({
  content: t.Optional(
    CodePointString({ maxLength: SEARCH_QUERY_MAX, description: `words to find (all of them, any case), at most ${SEARCH_QUERY_MAX} characters` }),
  ),
  author_id: t.Optional(SnowflakeString),
  channel_id: t.Optional(SnowflakeString),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: SEARCH_LIMIT_MAX, default: SEARCH_LIMIT_MAX, description: `1–${SEARCH_LIMIT_MAX}, ${SEARCH_LIMIT_MAX} by default` })),
  offset: t.Optional(IntegerInput({ minimum: 0, maximum: SEARCH_OFFSET_MAX, default: 0, description: `0–${SEARCH_OFFSET_MAX}, 0 by default` })),
});

export const SearchResultBody = t.Object(
  { total_results: ResponseInteger(), messages: t.Array(MessageBody) },
  { title: "MessageSearchResult", examples: [{ total_results: 1, messages: [exampleOf(MessageBody)] }] },
);

// The upload route's `file` at validation time is the form itself, unread: the handler streams its file part to the
// blob store (attachment-routes.ts). Published as what the client sends, a binary form field.
TypeRegistry.Set("StreamedFormFile", (_schema, value) => value instanceof MultipartForm);

export const UploadBody = t.Object({
  file: Type.Unsafe<MultipartForm>({ [Kind]: "StreamedFormFile", type: "string", format: "binary", description: "the file; at most MAX_UPLOAD_BYTES (25 MiB by default)" }),
});

export const AttachmentFileParams = t.Object({ id: SnowflakeString, filename: t.String({ maxLength: 1024 }) });
export const SignedQuery = t.Object({
  ex: t.String({ maxLength: 16, description: "expiry, unix seconds" }),
  sig: t.String({ maxLength: 128, description: "signature" }),
});
