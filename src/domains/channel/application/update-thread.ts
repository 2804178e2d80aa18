import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { THREAD_AUDIT_FIELDS } from "../domain/channel-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { invalidField } from "../../../shared/kernel/domain-error";
import { checkFields } from "../../../shared/kernel/field-checks";
import { permissionRefusal } from "../../../shared/kernel/common-errors";
import {
  MAX_THREAD_MEMBERS,
  type ThreadChannel,
  type ThreadChanges,
  ThreadType,
  checkAutoArchiveDuration,
  checkRateLimitPerUser,
  normalizeThreadName,
  refusedThreadChange,
  threadArchived,
} from "../domain/thread";
import { type ThreadEvent, threadDeleted, threadMembersUpdated, threadPayload, threadUpdated } from "../domain/thread-events";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { ChannelDeps } from "./channel-deps";
import { holdsManageThreads, viewThread } from "./thread-access";
import { ChannelFlag, DEFAULT_FORUM_SETTINGS, checkAppliedTags, checkThreadFlags } from "../domain/forum";
import { isGuildChannel } from "../domain/channel";

export interface UpdateThreadInput {
  readonly name?: string;
  readonly archived?: boolean;
  readonly autoArchiveDuration?: number;
  readonly locked?: boolean;
  readonly invitable?: boolean;
  readonly rateLimitPerUser?: number | null;
  /** Forum posts: the forum's tags it carries (its creator or MANAGE_THREADS; moderated tags MANAGE_THREADS). */
  readonly appliedTags?: readonly Snowflake[];
  /** Forum posts: PINNED (MANAGE_THREADS), one per forum. */
  readonly flags?: number;
}

/**
 * Edits a thread (THREAD_UPDATE) by Discord's rules (refusedThreadChange): MANAGE_THREADS may change anything; the
 * creator may rename, archive and set the auto-archive duration of an unlocked thread; anyone who may send in it may
 * unarchive an unlocked one. An archived thread takes no change unless the same request unarchives it (400 50083).
 * A forum post's tags are its creator's to choose, moderated ones MANAGE_THREADS'; pinning it is MANAGE_THREADS'.
 */
export const updateThread =
  (deps: Pick<ChannelDeps, "permissions" | "unitOfWork" | "clock" | "threads" | "channels">) =>
  async (userId: Snowflake, threadId: Snowflake, input: UpdateThreadInput, reason?: string): Promise<ThreadChannel> => {
    const { thread, permissions, withheld } = await viewThread(deps, userId, threadId);
    const post = thread.appliedTags !== null;
    const parent = post && input.appliedTags !== undefined ? await deps.channels.find(thread.parentId) : null;
    const forum = parent && isGuildChannel(parent) ? (parent.forum ?? DEFAULT_FORUM_SETTINGS) : DEFAULT_FORUM_SETTINGS;
    let touchesModerated = false;
    const changes: ThreadChanges = checkFields({
      name: () => (input.name === undefined ? undefined : normalizeThreadName(input.name)),
      archived: () => input.archived,
      autoArchiveDuration: () => (input.autoArchiveDuration === undefined ? undefined : checkAutoArchiveDuration(input.autoArchiveDuration)),
      locked: () => input.locked,
      invitable: () => {
        if (input.invitable !== undefined && thread.type !== ThreadType.PRIVATE_THREAD) throw invalidField("invitable", "Only private threads are invitable.");
        return input.invitable;
      },
      rateLimitPerUser: () => (input.rateLimitPerUser === undefined || input.rateLimitPerUser === null ? undefined : checkRateLimitPerUser(input.rateLimitPerUser)),
      appliedTags: () => {
        if (input.appliedTags === undefined) return undefined;
        if (!post) throw invalidField("applied_tags", "Only forum posts have tags.");
        const checked = checkAppliedTags(input.appliedTags, forum, thread.appliedTags ?? []);
        touchesModerated = checked.touchesModerated;
        return checked.tags;
      },
      flags: () => {
        if (input.flags === undefined) return undefined;
        const flags = checkThreadFlags(input.flags);
        if (flags !== 0 && !post) throw invalidField("flags", "Only forum posts may be pinned.");
        return flags;
      },
    });
    if (touchesModerated && !holdsManageThreads(permissions)) throw permissionRefusal("MANAGE_THREADS", withheld);
    const refused = refusedThreadChange(thread, changes, { userId, permissions });
    if (refused) throw permissionRefusal(refused, withheld);
    if (thread.metadata.archived && changes.archived !== false) throw threadArchived();
    const archived = changes.archived ?? thread.metadata.archived;
    const updated: ThreadChannel = {
      ...thread,
      name: changes.name ?? thread.name,
      rateLimitPerUser: changes.rateLimitPerUser ?? thread.rateLimitPerUser,
      appliedTags: changes.appliedTags ?? thread.appliedTags,
      flags: changes.flags ?? thread.flags,
      metadata: {
        ...thread.metadata,
        archived,
        autoArchiveDuration: changes.autoArchiveDuration ?? thread.metadata.autoArchiveDuration,
        locked: changes.locked ?? thread.metadata.locked,
        invitable: changes.invitable ?? thread.metadata.invitable,
        archiveTimestamp: archived === thread.metadata.archived ? thread.metadata.archiveTimestamp : new Date(deps.clock.now()).toISOString(),
      },
    };
    if (JSON.stringify(threadPayload(updated)) === JSON.stringify(threadPayload(thread))) return thread;
    await deps.unitOfWork(async (repositories) => {
      await repositories.threads.update(updated);
      await repositories.record([threadUpdated(updated)]);
      const changes = auditChanges(thread, updated, THREAD_AUDIT_FIELDS);
      if (changes.length > 0) await repositories.audit([auditEntry({ userId, reason }, thread.guildId, AuditLogEvent.THREAD_UPDATE, { targetId: thread.id, changes })]);
    });
    return updated;
  };

/** Deletes a thread with its messages and members (THREAD_DELETE); MANAGE_THREADS. */
export const deleteThread =
  (deps: Pick<ChannelDeps, "permissions" | "unitOfWork" | "threads">) =>
  async (userId: Snowflake, threadId: Snowflake, reason?: string): Promise<ThreadChannel> => {
    const { thread, permissions, withheld } = await viewThread(deps, userId, threadId);
    if (!holdsManageThreads(permissions)) throw permissionRefusal("MANAGE_THREADS", withheld);
    await deps.unitOfWork(async (repositories) => {
      const memberIds = thread.type === ThreadType.PRIVATE_THREAD ? await repositories.threads.memberIds(thread.id) : [];
      await repositories.threads.delete(thread.id);
      await repositories.record([threadDeleted(thread, memberIds)]);
      await repositories.audit([auditEntry({ userId, reason }, thread.guildId, AuditLogEvent.THREAD_DELETE, { targetId: thread.id, changes: auditChanges(thread, null, THREAD_AUDIT_FIELDS) })]);
    });
    return thread;
  };

/**
 * What a message sent to a thread does to it, as on Discord: an archived (unlocked) thread is unarchived, and the
 * author joins it if they had not (THREAD_UPDATE, THREAD_MEMBERS_UPDATE). The send's own checks come first. A
 * webhook's message (`userId` null) unarchives it too but joins no one: a webhook is no member.
 */
export const threadMessageSent =
  (deps: Pick<ChannelDeps, "unitOfWork" | "clock">) =>
  async (threadId: Snowflake, userId: Snowflake | null): Promise<void> => {
    const now = new Date(deps.clock.now()).toISOString();
    await deps.unitOfWork(async (repositories) => {
      const thread = await repositories.threads.find(threadId);
      if (!thread) return;
      const events: Unrecorded<ThreadEvent>[] = [];
      let current = thread;
      if (thread.metadata.archived && !thread.metadata.locked) {
        current = { ...thread, metadata: { ...thread.metadata, archived: false, archiveTimestamp: now } };
        await repositories.threads.update(current);
      }
      // A full thread still takes the message; its author just does not join.
      const joined =
        userId !== null && current.memberCount < MAX_THREAD_MEMBERS && (await repositories.threads.addMember({ threadId, userId, joinedAt: now, flags: 0 }));
      if (joined) {
        current = { ...current, memberCount: current.memberCount + 1 };
        events.push(threadMembersUpdated(current, { added: [{ threadId, userId, joinedAt: now, flags: 0 }] }));
      }
      if (current.metadata.archived !== thread.metadata.archived) events.unshift(threadUpdated(current));
      if (events.length > 0) await repositories.record(events);
    });
  };
