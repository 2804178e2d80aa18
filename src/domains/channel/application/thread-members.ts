import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions, permissionRefusal, unknownMember } from "../../../shared/kernel/common-errors";
import { MAX_THREAD_MEMBERS, type ThreadChannel, type ThreadMember, ThreadType, threadArchived, tooManyThreadMembers } from "../domain/thread";
import { threadMembersUpdated } from "../domain/thread-events";
import type { ChannelRepositories } from "../domain/channel-unit-of-work";
import type { ChannelDeps } from "./channel-deps";
import { holdsManageThreads, viewThread } from "./thread-access";

type MemberDeps = Pick<ChannelDeps, "permissions" | "unitOfWork" | "clock" | "threads">;

/** Adds `userId` in one transaction with THREAD_MEMBERS_UPDATE; nothing happens when they are a member already. */
const addMember = async (repositories: ChannelRepositories, thread: ThreadChannel, member: ThreadMember): Promise<boolean> => {
  if (thread.memberCount >= MAX_THREAD_MEMBERS) throw tooManyThreadMembers();
  if (!(await repositories.threads.addMember(member))) return false;
  const updated = (await repositories.threads.find(thread.id)) ?? thread;
  await repositories.record([threadMembersUpdated(updated, { added: [member] })]);
  return true;
};

const removeMember = async (repositories: ChannelRepositories, thread: ThreadChannel, userId: Snowflake): Promise<void> => {
  if (!(await repositories.threads.removeMember(thread.id, userId))) return;
  const updated = (await repositories.threads.find(thread.id)) ?? thread;
  await repositories.record([threadMembersUpdated(updated, { removedIds: [userId] })]);
};

const notArchived = (thread: ThreadChannel) => {
  if (thread.metadata.archived) throw threadArchived();
};

/** Joins a thread the caller can see (THREAD_MEMBERS_UPDATE, and THREAD_CREATE to them); not an archived one. */
export const joinThread =
  (deps: MemberDeps) =>
  async (userId: Snowflake, threadId: Snowflake): Promise<void> => {
    const { thread } = await viewThread(deps, userId, threadId);
    notArchived(thread);
    await deps.unitOfWork((repositories) => addMember(repositories, thread, { threadId, userId, joinedAt: new Date(deps.clock.now()).toISOString(), flags: 0 }));
  };

/** Leaves a thread (THREAD_MEMBERS_UPDATE); not an archived one. Leaving one not joined changes nothing. */
export const leaveThread =
  (deps: MemberDeps) =>
  async (userId: Snowflake, threadId: Snowflake): Promise<void> => {
    const { thread } = await viewThread(deps, userId, threadId);
    notArchived(thread);
    await deps.unitOfWork((repositories) => removeMember(repositories, thread, userId));
  };

/**
 * Adds another member of the guild who can see the parent channel. The caller must be able to send in the thread;
 * in a private thread that is not invitable, also hold MANAGE_THREADS. Not in an archived thread.
 */
export const addThreadMember =
  (deps: MemberDeps) =>
  async (userId: Snowflake, threadId: Snowflake, memberId: Snowflake): Promise<void> => {
    const { thread, permissions, withheld } = await viewThread(deps, userId, threadId);
    if (!hasPermission(permissions, Permission.SEND_MESSAGES)) throw missingPermissions("SEND_MESSAGES_IN_THREADS");
    if (thread.type === ThreadType.PRIVATE_THREAD && !thread.metadata.invitable && !holdsManageThreads(permissions)) throw permissionRefusal("MANAGE_THREADS", withheld);
    notArchived(thread);
    // The added user must see the parent; a private thread they are not in yet hides itself from them, so ask of the parent.
    const target = await deps.permissions.forChannel(memberId, thread.parentId);
    if (!target || !hasPermission(target.permissions, Permission.VIEW_CHANNEL)) throw unknownMember();
    await deps.unitOfWork((repositories) => addMember(repositories, thread, { threadId, userId: memberId, joinedAt: new Date(deps.clock.now()).toISOString(), flags: 0 }));
  };

/** Removes a member: MANAGE_THREADS, or the creator of a private thread. Not in an archived thread. */
export const removeThreadMember =
  (deps: MemberDeps) =>
  async (userId: Snowflake, threadId: Snowflake, memberId: Snowflake): Promise<void> => {
    const { thread, permissions, withheld } = await viewThread(deps, userId, threadId);
    const creator = thread.type === ThreadType.PRIVATE_THREAD && thread.ownerId === userId;
    if (!holdsManageThreads(permissions) && !creator) throw permissionRefusal("MANAGE_THREADS", withheld);
    notArchived(thread);
    await deps.unitOfWork((repositories) => removeMember(repositories, thread, memberId));
  };

/** One member of a thread the caller can see: 404 10007 when the user is not a member. */
export const getThreadMember =
  (deps: Pick<ChannelDeps, "permissions" | "threads">) =>
  async (userId: Snowflake, threadId: Snowflake, memberId: Snowflake): Promise<ThreadMember> => {
    await viewThread(deps, userId, threadId);
    const member = await deps.threads.findMember(threadId, memberId);
    if (!member) throw unknownMember();
    return member;
  };

export const THREAD_MEMBER_PAGE_MAX = 100;

/** Members of a thread the caller can see, by ascending user id after `after`, at most `limit` (1–100, default 100). */
export const listThreadMembers =
  (deps: Pick<ChannelDeps, "permissions" | "threads">) =>
  async (userId: Snowflake, threadId: Snowflake, page: { readonly after?: Snowflake; readonly limit?: number }): Promise<ThreadMember[]> => {
    const limit = page.limit ?? THREAD_MEMBER_PAGE_MAX;
    if (!Number.isInteger(limit) || limit < 1 || limit > THREAD_MEMBER_PAGE_MAX) throw invalidField("limit", `Must be between 1 and ${THREAD_MEMBER_PAGE_MAX}.`);
    await viewThread(deps, userId, threadId);
    return deps.threads.listMembers(threadId, { after: page.after, limit });
  };

/**
 * A user who left the guild (left, kicked or banned) leaves its threads too, as on Discord (THREAD_MEMBERS_UPDATE for
 * each): rejoining does not give back a private thread. Re-running it for the same departure changes nothing.
 */
export const leaveGuildThreads =
  (deps: Pick<ChannelDeps, "unitOfWork">) =>
  async (guildId: Snowflake, userId: Snowflake): Promise<number> =>
    deps.unitOfWork(async (repositories) => {
      const left = await repositories.threads.removeFromGuild(guildId, userId);
      const threads = await Promise.all(left.map((id) => repositories.threads.find(id)));
      const events = threads.flatMap((thread) => (thread ? [threadMembersUpdated(thread, { removedIds: [userId] })] : []));
      if (events.length > 0) await repositories.record(events);
      return left.length;
    });
