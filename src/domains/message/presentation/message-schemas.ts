import { Type } from "@sinclair/typebox";
import { t } from "elysia";
import { ErrorBody, authErrors } from "../../../shared/presentation/error-schemas";
import { UserBody } from "../../identity/presentation/identity-schemas";
import { NoContent, SnowflakeString, Timestamp, security } from "../../channel/presentation/channel-schemas";

export { NoContent, SnowflakeString, security };

const strict = { additionalProperties: false } as const;
export const tags = ["Messages"];
export const messageErrors = { 403: ErrorBody, 404: ErrorBody, ...authErrors } as const;

/**
 * Integers in responses: TypeBox's own. Elysia's `t.Integer` is a transform (it coerces query strings), and a single
 * transform in a response schema makes Elysia encode every response through TypeBox's transform walker, which cost
 * a tenth of a history read's CPU; a plain schema is checked by compiled code instead.
 */
const ResponseInteger = Type.Integer;

export const AttachmentBody = t.Object(
  {
    id: SnowflakeString,
    filename: t.String(),
    content_type: t.String({ description: "detected from the file's bytes, not from what the client said" }),
    size: ResponseInteger({ description: "bytes" }),
    url: t.String({ description: "signed, expires after about 24 hours; ask the API again for a fresh one" }),
    width: t.Optional(ResponseInteger({ description: "images only" })),
    height: t.Optional(ResponseInteger({ description: "images only" })),
  },
  { title: "Attachment" },
);

export const ReactionBody = t.Object(
  { emoji: t.Object({ id: t.Null(), name: t.String() }), count: ResponseInteger(), me: t.Boolean({ description: "the caller reacted with it" }) },
  { title: "Reaction" },
);

export const MessageBody = t.Object(
  {
    id: SnowflakeString,
    type: ResponseInteger({ description: "0: default" }),
    channel_id: SnowflakeString,
    guild_id: t.Optional(SnowflakeString),
    author: UserBody,
    content: t.String(),
    created_at: Timestamp,
    edited_at: t.Nullable(Timestamp),
    mentions: t.Array(UserBody),
    mention_everyone: t.Boolean(),
    attachments: t.Array(AttachmentBody),
    reactions: t.Array(ReactionBody),
    pinned: t.Boolean(),
    nonce: t.Optional(t.Union([t.String(), ResponseInteger()], { description: "only in the answer to the send" })),
  },
  { title: "Message" },
);

const Nonce = t.Union([t.String({ maxLength: 100 }), t.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })], {
  description: "a string of at most 25 characters or an integer; echoed back, and with enforce_nonce de-duplicates sends for 5 minutes",
});

export const SendMessageBody = t.Object(
  {
    // TypeBox counts UTF-16 units: twice the limit lets every 4000-code-point text through to the domain's exact check.
    content: t.Optional(t.String({ maxLength: 8000, description: "at most 4000 characters (code points); may be empty with attachments" })),
    nonce: t.Optional(Nonce),
    enforce_nonce: t.Optional(t.Boolean()),
    attachments: t.Optional(
      t.Array(t.Union([SnowflakeString, t.Object({ id: SnowflakeString }, strict)]), {
        maxItems: 10,
        description: "ids of the caller's unused uploads to this channel (POST /channels/{id}/attachments), as ids or {id}",
      }),
    ),
  },
  strict,
);

export const EditMessageBody = t.Object({ content: t.String({ maxLength: 8000, description: "at most 4000 characters" }) }, strict);

export const BulkDeleteBody = t.Object(
  { messages: t.Array(SnowflakeString, { minItems: 2, maxItems: 100, description: "2–100 distinct ids of this channel's last 14 days" }) },
  strict,
);

export const ChannelParams = t.Object({ id: SnowflakeString });
export const MessageParams = t.Object({ id: SnowflakeString, message_id: SnowflakeString });
export const ReactionParams = t.Object({
  id: SnowflakeString,
  message_id: SnowflakeString,
  emoji: t.String({ maxLength: 256, description: "a unicode emoji, URL-encoded" }),
});

export const HistoryQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 50, description: "1–100, 50 by default" })),
  before: t.Optional(SnowflakeString),
  after: t.Optional(SnowflakeString),
  around: t.Optional(SnowflakeString),
});

export const ReactionUsersQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 25 })),
  after: t.Optional(SnowflakeString),
});

export const SearchQuery = t.Object({
  content: t.Optional(t.String({ maxLength: 1024, description: "words to find (all of them, any case), at most 200 characters" })),
  author_id: t.Optional(SnowflakeString),
  channel_id: t.Optional(SnowflakeString),
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 25, default: 25 })),
  offset: t.Optional(t.Integer({ minimum: 0, maximum: 5000, default: 0 })),
});

export const SearchResultBody = t.Object({ total_results: t.Integer(), messages: t.Array(MessageBody) }, { title: "MessageSearchResult" });

export const UploadBody = t.Object({ file: t.File({ description: "the file; at most MAX_UPLOAD_BYTES (25 MiB by default)" }) });

export const AttachmentFileParams = t.Object({ id: SnowflakeString, filename: t.String({ maxLength: 1024 }) });
export const SignedQuery = t.Object({
  ex: t.String({ maxLength: 16, description: "expiry, unix seconds" }),
  sig: t.String({ maxLength: 128, description: "signature" }),
});
