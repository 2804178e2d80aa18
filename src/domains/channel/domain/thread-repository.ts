import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ThreadChannel, ThreadChannelType, ThreadMember } from "./thread";

/** A page of archived threads, newest archive (or id) first. */
export interface ThreadPage {
  readonly threads: ThreadChannel[];
  readonly hasMore: boolean;
}

/** Threads (rows of the channels table) and their members. */
export interface ThreadRepository {
  /** Inserts a thread with its first members; false (nothing written) when a channel with its id exists already. */
  insert(thread: ThreadChannel, members: readonly ThreadMember[]): Promise<boolean>;
  /** The thread with this id, or null (also for a channel that is not a thread). */
  find(id: Snowflake): Promise<ThreadChannel | null>;
  /** The threads among these ids, in one query (ids of other channels, or of none, are left out). */
  findMany(ids: readonly Snowflake[]): Promise<ThreadChannel[]>;
  /**
   * Marks the message a thread starts from (same id, in `channelId`) with Discord's HAS_THREAD flag, in the thread's
   * transaction: history reads look up threads only for flagged messages. False when the message is gone.
   */
  flagStarterMessage(channelId: Snowflake, messageId: Snowflake): Promise<boolean>;
  /** Saves name, slow mode, metadata, applied tags and flags; pinning a second post of one forum throws (400). */
  update(thread: ThreadChannel): Promise<void>;
  /** Deletes the thread with its members and messages. */
  delete(id: Snowflake): Promise<void>;
  /** Adds a member; false when they were one already. */
  addMember(member: ThreadMember): Promise<boolean>;
  /** Removes a member; false when they were none. */
  removeMember(threadId: Snowflake, userId: Snowflake): Promise<boolean>;
  findMember(threadId: Snowflake, userId: Snowflake): Promise<ThreadMember | null>;
  /** Members by ascending user id, after `after`, at most `limit`. */
  listMembers(threadId: Snowflake, page: { readonly after?: Snowflake; readonly limit: number }): Promise<ThreadMember[]>;
  /** Every member's user id (private threads' deletion names them). */
  memberIds(threadId: Snowflake): Promise<Snowflake[]>;
  /** Removes the user from every thread of the guild; the ids of the threads they were in. */
  removeFromGuild(guildId: Snowflake, userId: Snowflake): Promise<Snowflake[]>;
  /** The user's memberships among these threads. */
  membershipsOf(userId: Snowflake, threadIds: readonly Snowflake[]): Promise<ThreadMember[]>;
  /** Every thread of the guild that is not archived. */
  listActive(guildId: Snowflake): Promise<ThreadChannel[]>;
  /** How many threads of the guild are not archived. */
  countActive(guildId: Snowflake): Promise<number>;
  /** Archived threads of a channel of one type, by archive time descending, archived before `before`. */
  listArchived(parentId: Snowflake, type: ThreadChannelType, page: { readonly before?: string; readonly limit: number }): Promise<ThreadPage>;
  /** Archived private threads of a channel the user is a member of, by id descending, below `before`. */
  listJoinedArchived(parentId: Snowflake, userId: Snowflake, page: { readonly before?: Snowflake; readonly limit: number }): Promise<ThreadPage>;
  /**
   * Archives up to `limit` threads idle for their auto-archive duration at `now` (no message and no archive change
   * since), and answers them as archived. Two callers at once never archive the same thread both: each thread is
   * taken by one of them, whose transaction re-checks it.
   */
  archiveIdle(now: number, limit: number): Promise<ThreadChannel[]>;
}
