import { invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions, unknownChannel } from "../../../shared/kernel/common-errors";
import { ChannelType, type GuildChannel, type ThreadChannel, isThread } from "../domain/channel";
import type { ChannelDeps } from "./channel-deps";
import { viewChannel } from "./channel-access";

/** A thread the caller can see, with their permissions in it (their parent's, by the thread rules). */
export interface ViewedThread {
  readonly thread: ThreadChannel;
  readonly permissions: bigint;
  /** What the guild's MFA level withholds from the caller until they turn two-factor login on. */
  readonly withheld: bigint;
  readonly member: boolean;
}

/** Discord's 400 for a thread route on a channel that is no thread. */
export const notAThread = () => invalidField("channel_id", "Not a thread.");

/**
 * A thread the caller can see: UNKNOWN_CHANNEL, MISSING_ACCESS (a private thread they are not in), or 400 for other
 * channels. The thread is read afresh: the node's permission cache keeps its counts as they were.
 */
export const viewThread = async (deps: Pick<ChannelDeps, "permissions" | "threads">, userId: Snowflake, threadId: Snowflake): Promise<ViewedThread> => {
  const resolved = await viewChannel(deps, userId, threadId);
  if (!isThread(resolved.channel)) throw notAThread();
  const thread = await deps.threads.find(threadId);
  if (!thread) throw unknownChannel();
  return { thread, permissions: resolved.permissions, withheld: resolved.withheld ?? 0n, member: resolved.threadMember ?? false };
};

/**
 * A channel the caller can see that holds threads, to start threads in or list them: a text channel, or (`any`) a
 * forum too. 400 for any other channel.
 */
export const viewParent = async (
  deps: Pick<ChannelDeps, "permissions">,
  userId: Snowflake,
  channelId: Snowflake,
  kinds: "text" | "any",
): Promise<{ channel: GuildChannel; permissions: bigint }> => {
  const resolved = await viewChannel(deps, userId, channelId);
  const type = resolved.channel.type;
  if (type !== ChannelType.GUILD_TEXT && (kinds === "text" || type !== ChannelType.GUILD_FORUM)) {
    throw invalidField("channel_id", kinds === "text" ? "Threads start from messages of text channels only." : "Threads belong to text and forum channels only.");
  }
  return { channel: resolved.channel as GuildChannel, permissions: resolved.permissions };
};

/** MISSING_PERMISSIONS naming `name` unless every bit of it is held. */
export const requireBits = (permissions: bigint, bits: bigint, name: string): void => {
  if (!hasPermission(permissions, bits)) throw missingPermissions(name);
};

export const holdsManageThreads = (permissions: bigint): boolean => hasPermission(permissions, Permission.MANAGE_THREADS);
