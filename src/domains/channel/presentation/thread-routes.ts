import { auditReason } from "../../../shared/presentation/audit-reason";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import { ChannelBody, ChannelParams, channelFailures, toChannelBody } from "./channel-schemas";
import {
  ArchivedThreadsQuery,
  JoinedArchivedThreadsQuery,
  type ForumMessageSchemas,
  StartFromMessageParams,
  StartThreadFromMessageBody,
  ThreadListBody,
  ThreadMemberBody,
  ThreadMemberParams,
  ThreadMembersQuery,
  ThreadParams,
  startThreadBody,
  startedThreadBody,
  toThreadListBody,
  toThreadMemberBody,
} from "./thread-schemas";
import { t } from "elysia";

const { group, route } = routesTagged(["Threads"]);

const notTextChannel = fails("VALIDATION", "the channel is not a text channel, or a field is invalid");
const notThread = fails("VALIDATION", "the channel is not a thread");
const archived = fails("THREAD_ARCHIVED", "the thread is archived");
const asBody = (channel: Parameters<typeof toChannelBody>[0]["channel"]) => toChannelBody({ channel, recipients: [] });

/**
 * Discord's thread routes: starting threads and forum posts, their members, and the lists of active and archived
 * threads. A forum post's first message has the message domain's schemas, which the composition root hands over.
 */
export const threadRoutes = (forumMessage: ForumMessageSchemas) => ({ useCases, ...deps }: RouteDeps<ChannelUseCases>) => {
  return group(deps)
    .post(
      "/channels/:id/messages/:message_id/threads",
      async ({ caller, params, body, status, request }) =>
        status(
          201,
          asBody(
            await useCases.startThreadFromMessage(caller.userId, params.id, params.message_id, {
              name: body.name,
              autoArchiveDuration: body.auto_archive_duration,
              rateLimitPerUser: body.rate_limit_per_user,
            }, auditReason(request)),
          ),
        ),
      route({
        summary: "Start a public thread from a message of a text channel (CREATE_PUBLIC_THREADS); the thread takes the message's id",
        schemas: { params: StartFromMessageParams, body: StartThreadFromMessageBody },
        ok: { 201: ChannelBody },
        failures: [lacks("CREATE_PUBLIC_THREADS", "READ_MESSAGE_HISTORY"), ...channelFailures, notTextChannel, fails("UNKNOWN_MESSAGE", "no such message in the channel"), fails("THREAD_ALREADY_CREATED", "the message started a thread already"), fails("THREAD_LIMIT", "the guild has 1000 active threads")],
      }),
    )
    .post(
      "/channels/:id/threads",
      async ({ caller, params, body, status, request }) => {
        const started = await useCases.startThread(caller.userId, params.id, {
          name: body.name,
          autoArchiveDuration: body.auto_archive_duration,
          type: body.type,
          invitable: body.invitable,
          rateLimitPerUser: body.rate_limit_per_user,
          appliedTags: body.applied_tags,
          message: body.message,
        }, auditReason(request));
        return status(201, "thread" in started ? { ...asBody(started.thread), message: started.message } : asBody(started));
      },
      route({
        summary:
          "Start a thread without a message: public (type 11, CREATE_PUBLIC_THREADS) or private (type 12, the default; CREATE_PRIVATE_THREADS); in a forum, a post (SEND_MESSAGES) with its first message, which takes the thread's id",
        schemas: { params: ChannelParams, body: startThreadBody(forumMessage.body) },
        ok: { 201: startedThreadBody(forumMessage.response) },
        failures: [
          lacks("CREATE_PUBLIC_THREADS", "CREATE_PRIVATE_THREADS", "SEND_MESSAGES in a forum", "MANAGE_THREADS for a moderated tag"),
          ...channelFailures,
          fails("VALIDATION", "the channel is not a text or forum channel, a field is invalid, a forum post has no message, an unknown tag, or none where the forum requires one"),
          fails("THREAD_LIMIT", "the guild has 1000 active threads"),
        ],
      }),
    )
    .put(
      "/channels/:id/thread-members/@me",
      async ({ caller, params }) => useCases.joinThread(caller.userId, params.id).then(noContent),
      route({ summary: "Join a thread the caller can see (not an archived one)", schemas: { params: ThreadParams }, ok: { 204: NoContent }, failures: [...channelFailures, notThread, archived, fails("THREAD_MEMBER_LIMIT", "the thread has 1000 members")] }),
    )
    .delete(
      "/channels/:id/thread-members/@me",
      async ({ caller, params }) => useCases.leaveThread(caller.userId, params.id).then(noContent),
      route({ summary: "Leave a thread (not an archived one)", schemas: { params: ThreadParams }, ok: { 204: NoContent }, failures: [...channelFailures, notThread, archived] }),
    )
    .put(
      "/channels/:id/thread-members/:user_id",
      async ({ caller, params }) => useCases.addThreadMember(caller.userId, params.id, params.user_id).then(noContent),
      route({
        summary: "Add a guild member who can see the parent channel to a thread (SEND_MESSAGES_IN_THREADS; a private thread that is not invitable also MANAGE_THREADS)",
        schemas: { params: ThreadMemberParams },
        ok: { 204: NoContent },
        failures: [lacks("SEND_MESSAGES_IN_THREADS", "MANAGE_THREADS"), ...channelFailures, notThread, archived, fails("UNKNOWN_MEMBER", "the user is not a member of the guild who can see the channel"), fails("THREAD_MEMBER_LIMIT", "the thread has 1000 members")],
      }),
    )
    .delete(
      "/channels/:id/thread-members/:user_id",
      async ({ caller, params }) => useCases.removeThreadMember(caller.userId, params.id, params.user_id).then(noContent),
      route({ summary: "Remove a member from a thread (MANAGE_THREADS, or the creator of a private thread)", schemas: { params: ThreadMemberParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_THREADS"), ...channelFailures, notThread, archived] }),
    )
    .get(
      "/channels/:id/thread-members/:user_id",
      async ({ caller, params }) => toThreadMemberBody(await useCases.getThreadMember(caller.userId, params.id, params.user_id)),
      route({ summary: "One member of a thread the caller can see", schemas: { params: ThreadMemberParams }, ok: { 200: ThreadMemberBody }, failures: [...channelFailures, notThread, fails("UNKNOWN_MEMBER", "the user is not a member of the thread")] }),
    )
    .get(
      "/channels/:id/thread-members",
      async ({ caller, params, query }) => (await useCases.listThreadMembers(caller.userId, params.id, { after: query.after, limit: query.limit })).map(toThreadMemberBody),
      route({ summary: "The members of a thread the caller can see, by ascending user id", schemas: { params: ThreadParams, query: ThreadMembersQuery }, ok: { 200: t.Array(ThreadMemberBody) }, failures: [...channelFailures, notThread] }),
    )
    .get(
      "/guilds/:id/threads/active",
      async ({ caller, params }) => toThreadListBody(await useCases.listActiveThreads(caller.userId, params.id)),
      route({ summary: "The guild's active threads the caller can see, with the caller's thread memberships", schemas: { params: ChannelParams }, ok: { 200: ThreadListBody }, failures: guildFailures }),
    )
    .get(
      "/channels/:id/threads/archived/public",
      async ({ caller, params, query }) => toThreadListBody(await useCases.listArchivedThreads(caller.userId, params.id, "public", query)),
      route({ summary: "The channel's archived public threads, most recently archived first (READ_MESSAGE_HISTORY)", schemas: { params: ChannelParams, query: ArchivedThreadsQuery }, ok: { 200: ThreadListBody }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, notTextChannel] }),
    )
    .get(
      "/channels/:id/threads/archived/private",
      async ({ caller, params, query }) => toThreadListBody(await useCases.listArchivedThreads(caller.userId, params.id, "private", query)),
      route({ summary: "The channel's archived private threads, most recently archived first (READ_MESSAGE_HISTORY and MANAGE_THREADS)", schemas: { params: ChannelParams, query: ArchivedThreadsQuery }, ok: { 200: ThreadListBody }, failures: [lacks("READ_MESSAGE_HISTORY", "MANAGE_THREADS"), ...channelFailures, notTextChannel] }),
    )
    .get(
      "/channels/:id/users/@me/threads/archived/private",
      async ({ caller, params, query }) => toThreadListBody(await useCases.listJoinedArchivedThreads(caller.userId, params.id, query)),
      route({ summary: "The channel's archived private threads the caller is a member of, newest first (READ_MESSAGE_HISTORY)", schemas: { params: ChannelParams, query: JoinedArchivedThreadsQuery }, ok: { 200: ThreadListBody }, failures: [lacks("READ_MESSAGE_HISTORY"), ...channelFailures, notTextChannel] }),
    );
};
