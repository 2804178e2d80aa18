import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type ThreadChannel, type ThreadMember, ThreadType, threadPermissions } from "../domain/thread";
import type { ChannelDeps } from "./channel-deps";
import { memberStanding } from "./channel-access";
import { requireBits, viewParent } from "./thread-access";

/** Threads with the caller's memberships among them (Discord's `{threads, members}`). */
export interface ThreadList {
  readonly threads: readonly ThreadChannel[];
  readonly members: readonly ThreadMember[];
  readonly hasMore?: boolean;
}

export const ARCHIVED_PAGE_MAX = 100;
const ARCHIVED_PAGE_DEFAULT = 50;

const pageLimit = (limit: number | undefined): number => {
  const value = limit ?? ARCHIVED_PAGE_DEFAULT;
  if (!Number.isInteger(value) || value < 1 || value > ARCHIVED_PAGE_MAX) throw invalidField("limit", `Must be between 1 and ${ARCHIVED_PAGE_MAX}.`);
  return value;
};

/**
 * The guild's active threads the user can see, with their memberships: the parent's VIEW_CHANNEL, and for a
 * private thread membership or MANAGE_THREADS. No membership check (READY and GUILD_CREATE have made it).
 */
export const visibleActiveThreads =
  (deps: Pick<ChannelDeps, "permissions" | "threads">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<ThreadList> => {
    const active = await deps.threads.listActive(guildId);
    if (active.length === 0) return { threads: [], members: [] };
    const [parents, memberships] = await Promise.all([
      deps.permissions.channelsOf(userId, guildId),
      deps.threads.membershipsOf(
        userId,
        active.map((thread) => thread.id),
      ),
    ]);
    const parentPermissions = new Map(parents.map((entry) => [entry.channel.id, entry.permissions]));
    const joined = new Set(memberships.map((member) => member.threadId));
    const threads = active.filter((thread) =>
      hasPermission(threadPermissions(thread, { parentPermissions: parentPermissions.get(thread.parentId) ?? 0n, member: joined.has(thread.id) }), Permission.VIEW_CHANNEL),
    );
    const shown = new Set(threads.map((thread) => thread.id));
    return { threads, members: memberships.filter((member) => shown.has(member.threadId)) };
  };

/** GET /guilds/{id}/threads/active: members of the guild only. */
export const listActiveThreads = (deps: Pick<ChannelDeps, "permissions" | "threads" | "guilds">) => {
  const visible = visibleActiveThreads(deps);
  return async (userId: Snowflake, guildId: Snowflake): Promise<ThreadList> => {
    await memberStanding(deps, guildId, userId);
    return visible(userId, guildId);
  };
};

const withMemberships = async (deps: Pick<ChannelDeps, "threads">, userId: Snowflake, page: { threads: ThreadChannel[]; hasMore: boolean }): Promise<ThreadList> => ({
  threads: page.threads,
  members: await deps.threads.membershipsOf(
    userId,
    page.threads.map((thread) => thread.id),
  ),
  hasMore: page.hasMore,
});

/**
 * Archived threads of a text channel, newest archive first, archived before `before` (an ISO timestamp): public ones
 * (READ_MESSAGE_HISTORY) or private ones (READ_MESSAGE_HISTORY and MANAGE_THREADS).
 */
export const listArchivedThreads =
  (deps: Pick<ChannelDeps, "permissions" | "threads">) =>
  async (userId: Snowflake, channelId: Snowflake, kind: "public" | "private", page: { readonly before?: string; readonly limit?: number }): Promise<ThreadList> => {
    const limit = pageLimit(page.limit);
    if (page.before !== undefined && Number.isNaN(Date.parse(page.before))) throw invalidField("before", "Must be an ISO 8601 timestamp.");
    const { permissions } = await viewParent(deps, userId, channelId, "any");
    requireBits(permissions, Permission.READ_MESSAGE_HISTORY, "READ_MESSAGE_HISTORY");
    if (kind === "private") requireBits(permissions, Permission.MANAGE_THREADS, "MANAGE_THREADS");
    const type = kind === "public" ? ThreadType.PUBLIC_THREAD : ThreadType.PRIVATE_THREAD;
    return withMemberships(deps, userId, await deps.threads.listArchived(channelId, type, { before: page.before, limit }));
  };

/** Archived private threads of a text channel the caller is a member of, by id descending below `before`; READ_MESSAGE_HISTORY. */
export const listJoinedArchivedThreads =
  (deps: Pick<ChannelDeps, "permissions" | "threads">) =>
  async (userId: Snowflake, channelId: Snowflake, page: { readonly before?: Snowflake; readonly limit?: number }): Promise<ThreadList> => {
    const limit = pageLimit(page.limit);
    const { permissions } = await viewParent(deps, userId, channelId, "any");
    requireBits(permissions, Permission.READ_MESSAGE_HISTORY, "READ_MESSAGE_HISTORY");
    return withMemberships(deps, userId, await deps.threads.listJoinedArchived(channelId, userId, { before: page.before, limit }));
  };
