import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Discord's thread channel types. */
export const ThreadType = { PUBLIC_THREAD: 11, PRIVATE_THREAD: 12 } as const;
export type ThreadChannelType = (typeof ThreadType)[keyof typeof ThreadType];

/** Minutes of inactivity after which a thread archives itself: Discord's four choices. */
export const AUTO_ARCHIVE_DURATIONS = [60, 1440, 4320, 10080] as const;
export type AutoArchiveDuration = (typeof AUTO_ARCHIVE_DURATIONS)[number];
export const DEFAULT_AUTO_ARCHIVE_DURATION: AutoArchiveDuration = 1440;
/** Slow mode: seconds a member waits between two messages, 0–21600 (6 hours), as Discord. */
export const RATE_LIMIT_PER_USER_MAX = 21_600;
export const THREAD_NAME_MAX = 100;
/** Members one thread may hold: a bound on what clients make the server store. */
export const MAX_THREAD_MEMBERS = 1000;
/** Active threads one guild may have at once (Discord's limit). */
export const MAX_ACTIVE_THREADS = 1000;

/** Discord's thread_metadata. */
export interface ThreadMetadata {
  readonly archived: boolean;
  readonly autoArchiveDuration: AutoArchiveDuration;
  /** When `archived` last changed (or the thread was created): what inactivity is counted from, with its messages. */
  readonly archiveTimestamp: string;
  /** Only holders of MANAGE_THREADS may unarchive it or send to it. */
  readonly locked: boolean;
  /** Private threads: whether members without MANAGE_THREADS may add others. */
  readonly invitable: boolean;
  readonly createTimestamp: string;
}

/** A public or private thread under a text channel of a guild, or a post (a public thread) in a forum. */
export interface ThreadChannel {
  readonly id: Snowflake;
  readonly type: ThreadChannelType;
  readonly guildId: Snowflake;
  /** The text or forum channel it belongs to; its permissions are the parent's. */
  readonly parentId: Snowflake;
  /** Who started it. */
  readonly ownerId: Snowflake;
  readonly name: string;
  readonly rateLimitPerUser: number;
  readonly metadata: ThreadMetadata;
  /** Forum posts: the ids of the forum's tags it carries; null for threads of text channels. */
  readonly appliedTags: readonly Snowflake[] | null;
  /** PINNED (a forum's pinned post) or 0. */
  readonly flags: number;
  /** Derived from the thread's messages and members when read. */
  readonly lastMessageId: Snowflake | null;
  readonly messageCount: number;
  readonly memberCount: number;
}

/** Discord's thread member object, without the guild member. */
export interface ThreadMember {
  readonly threadId: Snowflake;
  readonly userId: Snowflake;
  readonly joinedAt: string;
  readonly flags: number;
}

const THREAD_TYPES: ReadonlySet<number> = new Set([ThreadType.PUBLIC_THREAD, ThreadType.PRIVATE_THREAD]);
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const isThreadType = (type: number): type is ThreadChannelType => THREAD_TYPES.has(type);

/** A thread name is 1–100 characters after trimming, kept as typed (threads are not lower-cased). */
export const normalizeThreadName = (raw: string, field = "name"): string => {
  const name = raw.trim();
  if (name.length < 1 || name.length > THREAD_NAME_MAX) throw invalidField(field, `Must be between 1 and ${THREAD_NAME_MAX} characters long.`);
  if (CONTROL_CHARACTERS.test(name)) throw invalidField(field, "Must not contain control characters.");
  return name;
};

export const checkAutoArchiveDuration = (minutes: number, field = "auto_archive_duration"): AutoArchiveDuration => {
  if (!(AUTO_ARCHIVE_DURATIONS as readonly number[]).includes(minutes)) throw invalidField(field, `Must be one of ${AUTO_ARCHIVE_DURATIONS.join(", ")}.`);
  return minutes as AutoArchiveDuration;
};

export const checkRateLimitPerUser = (seconds: number, field = "rate_limit_per_user"): number => {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > RATE_LIMIT_PER_USER_MAX) throw invalidField(field, `Must be an integer between 0 and ${RATE_LIMIT_PER_USER_MAX}.`);
  return seconds;
};

/** Thread types a start without a message may ask for (Discord's default is a private thread). */
export const checkThreadType = (type: number | undefined, field = "type"): ThreadChannelType => {
  if (type === undefined) return ThreadType.PRIVATE_THREAD;
  if (!isThreadType(type)) throw invalidField(field, "Must be 11 (public thread) or 12 (private thread).");
  return type;
};

export const threadAlreadyExists = () => new DomainError(ErrorCode.THREAD_ALREADY_CREATED, "A thread has already been created for this message");
export const threadArchived = () => new DomainError(ErrorCode.THREAD_ARCHIVED, "Operation cannot be performed on an archived thread");
export const threadLocked = () => new DomainError(ErrorCode.THREAD_LOCKED, "Thread is locked");
export const tooManyThreads = () => new DomainError(ErrorCode.THREAD_LIMIT, `Maximum number of active threads reached (${MAX_ACTIVE_THREADS}).`);
export const tooManyThreadMembers = () => new DomainError(ErrorCode.THREAD_MEMBER_LIMIT, `Maximum number of thread participants reached (${MAX_THREAD_MEMBERS}).`);

/** What the parent's permissions mean inside a thread, for one user. */
export interface ThreadAccessFacts {
  /** The user's permissions in the parent channel (0 when they cannot see it). */
  readonly parentPermissions: bigint;
  /** Whether the user is a member of the thread. */
  readonly member: boolean;
}

const THREAD_SEND = Permission.SEND_MESSAGES;

/**
 * Discord's rules for a user's permissions in a thread: the parent's permissions, where sending is
 * SEND_MESSAGES_IN_THREADS (shown as SEND_MESSAGES, which is what every message route checks). A private thread is
 * seen only by its members and MANAGE_THREADS holders; a locked thread takes sending away from all but MANAGE_THREADS
 * holders. An archived, unlocked one may still be sent to: the send unarchives it.
 */
export const threadPermissions = (thread: Pick<ThreadChannel, "type" | "metadata">, facts: ThreadAccessFacts): bigint => {
  const parent = facts.parentPermissions;
  if (!hasPermission(parent, Permission.VIEW_CHANNEL)) return 0n;
  const manager = hasPermission(parent, Permission.MANAGE_THREADS);
  if (thread.type === ThreadType.PRIVATE_THREAD && !facts.member && !manager) return 0n;
  const mayPost = hasPermission(parent, Permission.SEND_MESSAGES_IN_THREADS) && (!thread.metadata.locked || manager);
  return (parent & ~THREAD_SEND) | (mayPost ? THREAD_SEND : 0n);
};

/** The changes a PATCH asks of a thread; undefined leaves a field as it is. */
export interface ThreadChanges {
  readonly name?: string;
  readonly archived?: boolean;
  readonly autoArchiveDuration?: AutoArchiveDuration;
  readonly locked?: boolean;
  readonly invitable?: boolean;
  readonly rateLimitPerUser?: number;
  readonly appliedTags?: readonly Snowflake[];
  readonly flags?: number;
}

const sameTags = (a: readonly Snowflake[], b: readonly Snowflake[]): boolean => a.length === b.length && a.every((id) => b.includes(id));

/** The permission name a refused thread edit names, or null when the caller may make every change. */
export const refusedThreadChange = (
  thread: ThreadChannel,
  changes: ThreadChanges,
  caller: { readonly userId: Snowflake; readonly permissions: bigint },
): "MANAGE_THREADS" | "SEND_MESSAGES_IN_THREADS" | null => {
  const manager = hasPermission(caller.permissions, Permission.MANAGE_THREADS);
  if (manager) return null;
  const owner = thread.ownerId === caller.userId;
  const changed = <K extends keyof ThreadChanges>(key: K, current: ThreadChanges[K]) => changes[key] !== undefined && changes[key] !== current;
  const meta = thread.metadata;
  // Locking, unlocking, invitable, slow mode and pinning are moderators' settings.
  if (changed("locked", meta.locked) || changed("invitable", meta.invitable) || changed("rateLimitPerUser", thread.rateLimitPerUser) || changed("flags", thread.flags)) return "MANAGE_THREADS";
  // A locked thread stays as it is for everyone else.
  const tagsChanged = changes.appliedTags !== undefined && !sameTags(changes.appliedTags, thread.appliedTags ?? []);
  if (meta.locked && (changed("archived", meta.archived) || changed("name", thread.name) || changed("autoArchiveDuration", meta.autoArchiveDuration) || tagsChanged)) return "MANAGE_THREADS";
  // Unarchiving an unlocked thread only takes being able to send in it, as a message would do the same.
  if (changes.archived === false && meta.archived && !hasPermission(caller.permissions, Permission.SEND_MESSAGES)) return "SEND_MESSAGES_IN_THREADS";
  // The thread's creator may rename it, archive it, choose its auto-archive duration and (a post) its tags.
  if (!owner && (changed("name", thread.name) || changes.archived === true && !meta.archived || changed("autoArchiveDuration", meta.autoArchiveDuration) || tagsChanged)) return "MANAGE_THREADS";
  return null;
};

/** Whether a thread with this last activity has been idle for its whole auto-archive duration at `now`. */
export const idleSince = (thread: Pick<ThreadChannel, "metadata">, lastActivityMs: number, now: number): boolean =>
  !thread.metadata.archived && now - lastActivityMs >= thread.metadata.autoArchiveDuration * 60_000;
