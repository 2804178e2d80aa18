import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ChannelPayload } from "./channel-payload";
import { type ThreadChannel, type ThreadMember, ThreadType } from "./thread";

/** Discord's thread_metadata on the wire. */
export interface ThreadMetadataPayload {
  readonly archived: boolean;
  readonly auto_archive_duration: number;
  readonly archive_timestamp: string;
  readonly locked: boolean;
  readonly invitable?: boolean;
  readonly create_timestamp: string;
}

/** A thread as Discord's channel object shows it. */
export interface ThreadPayload extends ChannelPayload {
  readonly guild_id: Snowflake;
  readonly name: string;
  readonly parent_id: Snowflake;
  readonly owner_id: Snowflake;
  readonly rate_limit_per_user: number;
  readonly message_count: number;
  readonly member_count: number;
  readonly total_message_sent: number;
  readonly flags: number;
  /** Forum posts: the ids of the tags they carry. */
  readonly applied_tags?: Snowflake[];
  readonly thread_metadata: ThreadMetadataPayload;
}

/** Discord's thread member object; `member` (the guild member) only where asked for. */
export interface ThreadMemberPayload {
  readonly id: Snowflake;
  readonly user_id: Snowflake;
  readonly join_timestamp: string;
  readonly flags: number;
}

export const threadPayload = (thread: ThreadChannel): ThreadPayload => ({
  id: thread.id,
  type: thread.type,
  guild_id: thread.guildId,
  name: thread.name,
  parent_id: thread.parentId,
  owner_id: thread.ownerId,
  last_message_id: thread.lastMessageId,
  rate_limit_per_user: thread.rateLimitPerUser,
  message_count: thread.messageCount,
  member_count: thread.memberCount,
  total_message_sent: thread.messageCount,
  flags: thread.flags,
  ...(thread.appliedTags ? { applied_tags: [...thread.appliedTags] } : {}),
  thread_metadata: {
    archived: thread.metadata.archived,
    auto_archive_duration: thread.metadata.autoArchiveDuration,
    archive_timestamp: thread.metadata.archiveTimestamp,
    locked: thread.metadata.locked,
    ...(thread.type === ThreadType.PRIVATE_THREAD ? { invitable: thread.metadata.invitable } : {}),
    create_timestamp: thread.metadata.createTimestamp,
  },
});

export const threadMemberPayload = (member: ThreadMember): ThreadMemberPayload => ({
  id: member.threadId,
  user_id: member.userId,
  join_timestamp: member.joinedAt,
  flags: member.flags,
});

/*
 * Thread events go to the guild's topic; the gateway sends each only to sessions whose user may see the thread (its
 * parent's VIEW_CHANNEL, and for a private thread membership or MANAGE_THREADS). Fields the gateway needs to judge
 * or to build other dispatches, but that Discord's payload lacks, sit under `_` and are never sent.
 */
export type ThreadCreated = DomainEvent<"THREAD_CREATED", ThreadPayload & { readonly newly_created: true }>;
export type ThreadUpdated = DomainEvent<"THREAD_UPDATED", ThreadPayload>;
export interface ThreadDeletedData {
  readonly id: Snowflake;
  readonly guild_id: Snowflake;
  readonly parent_id: Snowflake;
  readonly type: number;
  /** Private threads: who was a member, since only they (and MANAGE_THREADS holders) may hear of it. */
  readonly _?: { readonly member_ids: readonly Snowflake[] };
}
export type ThreadDeleted = DomainEvent<"THREAD_DELETED", ThreadDeletedData>;
export interface ThreadMembersUpdatedData {
  readonly id: Snowflake;
  readonly guild_id: Snowflake;
  readonly member_count: number;
  readonly added_members?: readonly ThreadMemberPayload[];
  readonly removed_member_ids?: readonly Snowflake[];
  /** The thread after the change: the added users' THREAD_CREATE. */
  readonly _: { readonly thread: ThreadPayload };
}
export type ThreadMembersUpdated = DomainEvent<"THREAD_MEMBERS_UPDATED", ThreadMembersUpdatedData>;
export type ThreadEvent = ThreadCreated | ThreadUpdated | ThreadDeleted | ThreadMembersUpdated;

const guildTopic = (thread: Pick<ThreadChannel, "guildId">) => [topics.guild(thread.guildId)];

export const threadCreated = (thread: ThreadChannel): Unrecorded<ThreadCreated> => ({
  type: "THREAD_CREATED",
  topics: guildTopic(thread),
  data: { ...threadPayload(thread), newly_created: true },
});

export const threadUpdated = (thread: ThreadChannel): Unrecorded<ThreadUpdated> => ({ type: "THREAD_UPDATED", topics: guildTopic(thread), data: threadPayload(thread) });

export const threadDeleted = (thread: ThreadChannel, memberIds: readonly Snowflake[]): Unrecorded<ThreadDeleted> => ({
  type: "THREAD_DELETED",
  topics: guildTopic(thread),
  data: {
    id: thread.id,
    guild_id: thread.guildId,
    parent_id: thread.parentId,
    type: thread.type,
    ...(thread.type === ThreadType.PRIVATE_THREAD ? { _: { member_ids: memberIds } } : {}),
  },
});

/** Members joined or left `thread` (which already counts them). */
export const threadMembersUpdated = (
  thread: ThreadChannel,
  change: { readonly added?: readonly ThreadMember[]; readonly removedIds?: readonly Snowflake[] },
): Unrecorded<ThreadMembersUpdated> => ({
  type: "THREAD_MEMBERS_UPDATED",
  topics: guildTopic(thread),
  data: {
    id: thread.id,
    guild_id: thread.guildId,
    member_count: thread.memberCount,
    ...(change.added?.length ? { added_members: change.added.map(threadMemberPayload) } : {}),
    ...(change.removedIds?.length ? { removed_member_ids: [...change.removedIds] } : {}),
    _: { thread: threadPayload(thread) },
  },
});

/** The wire form of an event's data: without the gateway's own `_` part. */
export const withoutPrivateParts = <D extends { readonly _?: unknown }>(data: D): Omit<D, "_"> => {
  const { _: _hidden, ...rest } = data;
  return rest;
};
