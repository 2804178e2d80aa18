import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { CodePointString, IntegerInput, ResponseInteger, SnowflakeString, Timestamp, exampleOf } from "../../../shared/presentation/schema-types";
import { UserBody } from "../../identity";
import { SEARCH_LIMIT_MAX, SEARCH_OFFSET_MAX, SEARCH_QUERY_MAX } from "../application/search-messages";
import { BULK_DELETE_MAX, BULK_DELETE_MIN, CONTENT_MAX, HISTORY_LIMIT_DEFAULT, HISTORY_LIMIT_MAX, NONCE_MAX } from "../domain/message";
import { channelFailures } from "../../channel";

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
    width: t.Optional(ResponseInteger({ description: "images only" })),
    height: t.Optional(ResponseInteger({ description: "images only" })),
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
        width: 640,
        height: 480,
      },
    ],
  },
);

export const ReactionBody = t.Object(
  { emoji: t.Object({ id: t.Null(), name: t.String() }), count: ResponseInteger(), me: t.Boolean({ description: "the caller reacted with it" }) },
  { title: "Reaction", examples: [{ emoji: { id: null, name: "👍" }, count: 2, me: true }] },
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
    timestamp: t.String({ format: "date-time", description: "Discord's name for created_at (the same value)" }),
    edited_timestamp: t.Nullable(t.String({ format: "date-time", description: "Discord's name for edited_at (the same value)" })),
    tts: t.Literal(false, { description: "always false: XCord has no text-to-speech" }),
    mention_roles: t.Array(SnowflakeString, { description: "always empty: XCord has no role mentions yet" }),
    embeds: t.Array(t.Never(), { description: "always empty: XCord has no embeds yet" }),
    components: t.Array(t.Never(), { description: "always empty: XCord has no message components" }),
    flags: t.Literal(0, { description: "always 0" }),
    nonce: t.Optional(t.Union([t.String(), ResponseInteger()], { description: "only in the answer to the send" })),
  },
  {
    title: "Message",
    examples: [
      {
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
      },
    ],
  },
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

export const SendMessageBody = t.Object(
  {
    content: t.Optional(content(`at most ${CONTENT_MAX} characters (code points); may be empty with attachments`)),
    nonce: t.Optional(Nonce),
    enforce_nonce: t.Optional(t.Boolean()),
    attachments: t.Optional(
      t.Array(t.Union([SnowflakeString, t.Object({ id: SnowflakeString }, strict)]), {
        maxItems: 10,
        description: "ids of the caller's unused uploads to this channel (POST /channels/{id}/attachments), as ids or {id}",
      }),
    ),
  },
  // Content only: the example must work when executed as is, and attachment ids would have to be uploaded first.
  { ...strict, examples: [{ content: "Hello, world!" }] },
);

export const EditMessageBody = t.Object(
  { content: content(`at most ${CONTENT_MAX} characters (code points)`) },
  { ...strict, examples: [{ content: "Hello, edited world!" }] },
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
  emoji: t.String({ maxLength: 256, description: "a unicode emoji, URL-encoded" }),
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

export const UploadBody = t.Object({ file: t.File({ description: "the file; at most MAX_UPLOAD_BYTES (25 MiB by default)" }) });

export const AttachmentFileParams = t.Object({ id: SnowflakeString, filename: t.String({ maxLength: 1024 }) });
export const SignedQuery = t.Object({
  ex: t.String({ maxLength: 16, description: "expiry, unix seconds" }),
  sig: t.String({ maxLength: 128, description: "signature" }),
});
