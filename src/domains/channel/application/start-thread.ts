import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { THREAD_AUDIT_FIELDS } from "../domain/channel-audit";
import { Permission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import {
  DEFAULT_AUTO_ARCHIVE_DURATION,
  MAX_ACTIVE_THREADS,
  type ThreadChannel,
  type ThreadChannelType,
  ThreadType,
  checkAutoArchiveDuration,
  checkRateLimitPerUser,
  checkThreadType,
  normalizeThreadName,
  threadAlreadyExists,
  tooManyThreads,
} from "../domain/thread";
import type { GuildChannel } from "../domain/channel";
import { type ThreadPayload, threadCreated, threadPayload } from "../domain/thread-events";
import type { DomainEvent, Unrecorded } from "../../../shared/kernel/domain-event";
import type { ChannelDeps } from "./channel-deps";
import { enforceSlowMode } from "./slow-mode";
import { requireBits, viewParent } from "./thread-access";
import { ChannelType } from "../domain/channel";
import { type ForumPost, type StartForumPostInput, startForumPost } from "./start-forum-post";

export interface StartThreadInput {
  readonly name: string;
  readonly autoArchiveDuration?: number;
  readonly rateLimitPerUser?: number | null;
  /** Without a message only: 11 or 12 (Discord's default, 12). */
  readonly type?: number;
  /** Private threads: whether members may add others (default true). */
  readonly invitable?: boolean;
}

/**
 * The message a thread starts from, which the message domain owns: it throws when the caller cannot read it there,
 * and answers the MESSAGE_UPDATE that shows the message with its new thread (Discord's `thread` and HAS_THREAD).
 */
export type StarterMessageCheck = (userId: Snowflake, channelId: Snowflake, messageId: Snowflake) => Promise<StarterMessageUpdate>;

/** The parent channel's MESSAGE_UPDATE for a thread's starter message, made by the message domain. */
export type StarterMessageUpdate = (thread: ThreadPayload) => Unrecorded<DomainEvent>;

type StartDeps = Pick<ChannelDeps, "permissions" | "unitOfWork" | "clock" | "ids" | "rateLimiter" | "users">;

/** Slow mode of the parent: a member starts one thread per window there (Discord's rule), beside their one message. */
export const parentSlowMode = (deps: StartDeps, userId: Snowflake, channel: GuildChannel, permissions: bigint) =>
  enforceSlowMode(deps, userId, { channelId: channel.id, seconds: channel.rateLimitPerUser, permissions, thread: false }, "thread");

/** Who starts a thread: a member (the default), or a webhook, which joins nothing and writes no audit entry. */
export type ThreadStarter = "member" | "webhook";

/**
 * Writes a new thread with its creator as first member (THREAD_CREATE); false when its id is taken. A thread started
 * from a message flags that message HAS_THREAD in the same transaction, and the parent hears MESSAGE_UPDATE for it.
 * A webhook's forum post has no member: a webhook is no user to be one.
 */
export const createThread = async (
  deps: Pick<StartDeps, "unitOfWork">,
  userId: Snowflake,
  thread: ThreadChannel,
  reason: string | undefined,
  starter?: StarterMessageUpdate,
  by: ThreadStarter = "member",
): Promise<ThreadChannel | null> =>
  deps.unitOfWork(async (repositories) => {
    if ((await repositories.threads.countActive(thread.guildId)) >= MAX_ACTIVE_THREADS) throw tooManyThreads();
    const members = by === "member" ? [{ threadId: thread.id, userId, joinedAt: thread.metadata.createTimestamp, flags: 0 }] : [];
    if (!(await repositories.threads.insert(thread, members))) return null;
    const created = { ...thread, memberCount: members.length };
    // A starter deleted meanwhile leaves the thread without one, as on Discord.
    const flagged = starter !== undefined && (await repositories.threads.flagStarterMessage(thread.parentId, thread.id));
    await repositories.record(flagged ? [threadCreated(created), starter(threadPayload(created))] : [threadCreated(created)]);
    if (by === "member") {
      await repositories.audit([auditEntry({ userId, reason }, thread.guildId, AuditLogEvent.THREAD_CREATE, { targetId: thread.id, changes: auditChanges(null, created, THREAD_AUDIT_FIELDS) })]);
    }
    return created;
  });

export const draft = (deps: Pick<StartDeps, "clock">, input: StartThreadInput, type: ThreadChannelType) => {
  const fields = checkFields({
    name: () => normalizeThreadName(input.name),
    autoArchiveDuration: () => checkAutoArchiveDuration(input.autoArchiveDuration ?? DEFAULT_AUTO_ARCHIVE_DURATION),
    rateLimitPerUser: () => checkRateLimitPerUser(input.rateLimitPerUser ?? 0),
  });
  const now = new Date(deps.clock.now()).toISOString();
  return (id: Snowflake, guildId: Snowflake, parentId: Snowflake, ownerId: Snowflake): ThreadChannel => ({
    id,
    type,
    guildId,
    parentId,
    ownerId,
    name: fields.name,
    rateLimitPerUser: fields.rateLimitPerUser,
    lastMessageId: null,
    messageCount: 0,
    memberCount: 0,
    appliedTags: null,
    flags: 0,
    metadata: {
      archived: false,
      autoArchiveDuration: fields.autoArchiveDuration,
      archiveTimestamp: now,
      locked: false,
      invitable: input.invitable ?? true,
      createTimestamp: now,
    },
  });
};

/**
 * Starts a public thread from a message of a text channel (THREAD_CREATE); the thread takes the message's id.
 * CREATE_PUBLIC_THREADS, and reading the message. A message starts at most one thread (400 160004).
 */
export const startThreadFromMessage =
  (deps: StartDeps & { readonly starterMessage: StarterMessageCheck }) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, input: Omit<StartThreadInput, "type" | "invitable">, reason?: string): Promise<ThreadChannel> => {
    const { channel, permissions } = await viewParent(deps, userId, channelId, "text");
    requireBits(permissions, Permission.CREATE_PUBLIC_THREADS, "CREATE_PUBLIC_THREADS");
    const make = draft(deps, input, ThreadType.PUBLIC_THREAD);
    const starter = await deps.starterMessage(userId, channelId, messageId);
    await parentSlowMode(deps, userId, channel, permissions);
    const created = await createThread(deps, userId, make(messageId, channel.guildId, channel.id, userId), reason, starter);
    if (!created) throw threadAlreadyExists();
    return created;
  };

/** A thread start's input: a forum post's also has its tags and first message. */
export type StartAnyThreadInput = StartThreadInput & Omit<StartForumPostInput, "name">;

/**
 * Starts a thread with no message (THREAD_CREATE): public (11, CREATE_PUBLIC_THREADS) or private (12, Discord's
 * default, CREATE_PRIVATE_THREADS). In a forum, a post with its first message (start-forum-post.ts). At most 1000
 * active threads per guild.
 */
export const startThread =
  (deps: StartDeps & Pick<ChannelDeps, "forumStarter">) =>
  async (userId: Snowflake, channelId: Snowflake, input: StartAnyThreadInput, reason?: string): Promise<ThreadChannel | ForumPost> => {
    const { channel, permissions } = await viewParent(deps, userId, channelId, "any");
    if (channel.type === ChannelType.GUILD_FORUM) return startForumPost(deps)(userId, channel, permissions, input, reason);
    const type = checkFields({ type: () => checkThreadType(input.type) }).type;
    if (type === ThreadType.PUBLIC_THREAD) requireBits(permissions, Permission.CREATE_PUBLIC_THREADS, "CREATE_PUBLIC_THREADS");
    else requireBits(permissions, Permission.CREATE_PRIVATE_THREADS, "CREATE_PRIVATE_THREADS");
    const make = draft(deps, input, type);
    await parentSlowMode(deps, userId, channel, permissions);
    const created = await createThread(deps, userId, make(deps.ids.next(), channel.guildId, channel.id, userId), reason);
    if (!created) throw new Error("a new snowflake collided with a channel id");
    return created;
  };
