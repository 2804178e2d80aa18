import { type TSchema, t } from "elysia";
import { IntegerInput, ResponseInteger, SnowflakeString, Timestamp } from "../../../shared/presentation/schema-types";
import { MAX_APPLIED_TAGS } from "../domain/forum";
import { AUTO_ARCHIVE_DURATIONS, RATE_LIMIT_PER_USER_MAX, THREAD_NAME_MAX, type ThreadMember } from "../domain/thread";
import { threadMemberPayload } from "../domain/thread-events";
import type { ThreadList } from "../application/list-threads";
import { ARCHIVED_PAGE_MAX } from "../application/list-threads";
import { THREAD_MEMBER_PAGE_MAX } from "../application/thread-members";
import { ChannelBody, toChannelBody } from "./channel-schemas";

const strict = { additionalProperties: false } as const;

const MEMBER_EXAMPLE = { id: "1234567890123456791", user_id: "1234567890123456700", join_timestamp: "2026-12-01T12:00:00.000Z", flags: 0 };
const THREAD_EXAMPLE = {
  id: "1234567890123456791",
  type: 11,
  guild_id: "1234567890123456789",
  name: "Release discussion",
  parent_id: "1234567890123456790",
  owner_id: "1234567890123456700",
  last_message_id: null,
  rate_limit_per_user: 0,
  message_count: 0,
  member_count: 1,
  total_message_sent: 0,
  flags: 0,
  thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: "2026-12-01T12:00:00.000Z", locked: false, create_timestamp: "2026-12-01T12:00:00.000Z" },
};

export const ThreadMemberBody = t.Object(
  { id: SnowflakeString, user_id: SnowflakeString, join_timestamp: Timestamp, flags: ResponseInteger({ description: "always 0 (XCord has no thread notification settings)" }) },
  { title: "ThreadMember", examples: [MEMBER_EXAMPLE] },
);

export const ThreadListBody = t.Object(
  {
    threads: t.Array(ChannelBody),
    members: t.Array(ThreadMemberBody, { description: "the caller's thread member objects among `threads`" }),
    has_more: t.Optional(t.Boolean({ description: "archived listings: whether older threads remain" })),
  },
  { title: "ThreadList", examples: [{ threads: [THREAD_EXAMPLE], members: [MEMBER_EXAMPLE], has_more: false }] },
);

export const ThreadParams = t.Object({ id: SnowflakeString });
export const ThreadMemberParams = t.Object({ id: SnowflakeString, user_id: SnowflakeString });
export const StartFromMessageParams = t.Object({ id: SnowflakeString, message_id: SnowflakeString });

const nameField = t.String({ minLength: 1, maxLength: THREAD_NAME_MAX, description: `1–${THREAD_NAME_MAX} characters` });
const autoArchiveField = IntegerInput({ description: `minutes: ${AUTO_ARCHIVE_DURATIONS.join(", ")} (default 1440)` });
const rateLimitField = t.Nullable(IntegerInput({ minimum: 0, maximum: RATE_LIMIT_PER_USER_MAX, description: `slow mode, 0–${RATE_LIMIT_PER_USER_MAX} seconds` }));

export const StartThreadFromMessageBody = t.Object(
  { name: nameField, auto_archive_duration: t.Optional(autoArchiveField), rate_limit_per_user: t.Optional(rateLimitField) },
  { ...strict, examples: [{ name: "Release discussion", auto_archive_duration: 1440 }] },
);

/** The message domain's schemas of a forum post's first message: the request's `message` and the answer's. */
export interface ForumMessageSchemas<Body extends TSchema = TSchema, Response extends TSchema = TSchema> {
  readonly body: Body;
  readonly response: Response;
}

/** A thread start's body; in a forum, a post's with its tags and first message. */
export const startThreadBody = <Body extends TSchema>(message: Body) =>
  t.Object(
    {
      name: nameField,
      auto_archive_duration: t.Optional(autoArchiveField),
      type: t.Optional(IntegerInput({ description: "11 public thread, 12 private thread (default, as Discord); ignored in a forum (a post is always 11)" })),
      invitable: t.Optional(t.Boolean({ description: "private threads: whether members may add others (default true)" })),
      rate_limit_per_user: t.Optional(rateLimitField),
      applied_tags: t.Optional(t.Array(SnowflakeString, { maxItems: MAX_APPLIED_TAGS, description: `forums: at most ${MAX_APPLIED_TAGS} of the forum's tags (moderated ones MANAGE_THREADS)` })),
      message: t.Optional({ ...message, description: "forums (required there): the post's first message, which takes the thread's id" }),
    },
    { ...strict, examples: [{ name: "Planning", type: 12, invitable: false }] },
  );

/** A started thread; a forum post's also carries its first message, as on Discord. */
export const startedThreadBody = <Response extends TSchema>(message: Response) =>
  t.Object({ ...ChannelBody.properties, message: t.Optional(message) }, { title: "StartedThread", examples: [THREAD_EXAMPLE] });

export const ThreadMembersQuery = t.Object({
  with_member: t.Optional(t.Union([t.Boolean(), t.String()], { description: "accepted; XCord's thread members carry no guild member yet" })),
  after: t.Optional(SnowflakeString),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: THREAD_MEMBER_PAGE_MAX, description: `1–${THREAD_MEMBER_PAGE_MAX}, 100 by default` })),
});

export const ArchivedThreadsQuery = t.Object({
  before: t.Optional(t.String({ maxLength: 64, description: "an ISO 8601 timestamp: threads archived before it" })),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: ARCHIVED_PAGE_MAX, description: `1–${ARCHIVED_PAGE_MAX}, 50 by default` })),
});

export const JoinedArchivedThreadsQuery = t.Object({
  before: t.Optional(SnowflakeString),
  limit: t.Optional(IntegerInput({ minimum: 1, maximum: ARCHIVED_PAGE_MAX, description: `1–${ARCHIVED_PAGE_MAX}, 50 by default` })),
});

export const toThreadMemberBody = (member: ThreadMember): typeof ThreadMemberBody.static => threadMemberPayload(member);

export const toThreadListBody = (list: ThreadList): typeof ThreadListBody.static => ({
  threads: list.threads.map((thread) => toChannelBody({ channel: thread, recipients: [] })),
  members: list.members.map(toThreadMemberBody),
  ...(list.hasMore === undefined ? {} : { has_more: list.hasMore }),
});
