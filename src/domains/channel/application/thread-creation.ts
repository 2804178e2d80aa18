import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { THREAD_AUDIT_FIELDS } from "../domain/channel-audit";
import type { GuildChannel } from "../domain/channel";
import {
  DEFAULT_AUTO_ARCHIVE_DURATION,
  MAX_ACTIVE_THREADS,
  type ThreadChannel,
  type ThreadChannelType,
  checkAutoArchiveDuration,
  checkRateLimitPerUser,
  normalizeThreadName,
  tooManyThreads,
} from "../domain/thread";
import { threadCreated, threadPayload } from "../domain/thread-events";
import type { ChannelDeps } from "./channel-deps";
import { enforceSlowMode } from "./slow-mode";
import type { StarterMessageUpdate } from "./starter-messages";

/* What starting a thread (start-thread.ts) and a forum post (start-forum-post.ts) share. */

export interface StartThreadInput {
  readonly name: string;
  readonly autoArchiveDuration?: number;
  readonly rateLimitPerUser?: number | null;
  /** Without a message only: 11 or 12 (Discord's default, 12). */
  readonly type?: number;
  /** Private threads: whether members may add others (default true). */
  readonly invitable?: boolean;
}

export type StartDeps = Pick<ChannelDeps, "permissions" | "unitOfWork" | "clock" | "ids" | "rateLimiter" | "users">;

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
