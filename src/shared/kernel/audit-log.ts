import { type DomainEvent, type Unrecorded, topics } from "./domain-event";
import type { Snowflake } from "./snowflake";

/*
 * The audit log (Discord's): every moderation and configuration change of a guild, recorded by the use case that
 * makes it, in the same transaction, through its domain's unit of work. Every domain that changes a guild writes
 * entries, so the entry, its change lists and its event live here rather than in one domain.
 */

/** Discord's audit log event numbers (the entry's `action_type`) for the actions XCord records. */
export const AuditLogEvent = {
  GUILD_UPDATE: 1,
  CHANNEL_CREATE: 10,
  CHANNEL_UPDATE: 11,
  CHANNEL_DELETE: 12,
  CHANNEL_OVERWRITE_CREATE: 13,
  CHANNEL_OVERWRITE_UPDATE: 14,
  CHANNEL_OVERWRITE_DELETE: 15,
  MEMBER_KICK: 20,
  MEMBER_BAN_ADD: 22,
  MEMBER_BAN_REMOVE: 23,
  MEMBER_UPDATE: 24,
  MEMBER_ROLE_UPDATE: 25,
  MEMBER_MOVE: 26,
  MEMBER_DISCONNECT: 27,
  BOT_ADD: 28,
  ROLE_CREATE: 30,
  ROLE_UPDATE: 31,
  ROLE_DELETE: 32,
  INVITE_CREATE: 40,
  INVITE_DELETE: 42,
  WEBHOOK_CREATE: 50,
  WEBHOOK_UPDATE: 51,
  WEBHOOK_DELETE: 52,
  EMOJI_CREATE: 60,
  EMOJI_UPDATE: 61,
  EMOJI_DELETE: 62,
  MESSAGE_DELETE: 72,
  MESSAGE_BULK_DELETE: 73,
  THREAD_CREATE: 110,
  THREAD_UPDATE: 111,
  THREAD_DELETE: 112,
} as const;

export type AuditLogAction = (typeof AuditLogEvent)[keyof typeof AuditLogEvent];

/** Every action type XCord records, for validating the `action_type` filter. */
export const AUDIT_LOG_ACTIONS: ReadonlySet<number> = new Set(Object.values(AuditLogEvent));

/** One changed field of an entry (Discord's audit log change): absent `old_value` on a create, `new_value` on a delete. */
export interface AuditLogChange {
  readonly key: string;
  readonly old_value?: unknown;
  readonly new_value?: unknown;
}

/** Discord's optional audit entry info, for the actions that have it. */
export interface AuditLogOptions {
  readonly channel_id?: Snowflake;
  readonly count?: string;
  readonly delete_member_days?: string;
  readonly members_removed?: string;
  readonly message_id?: Snowflake;
  /** An overwrite's id, and its type ("0" role, "1" member) and role name. */
  readonly id?: Snowflake;
  readonly type?: string;
  readonly role_name?: string;
}

/** An entry as stored and listed. */
export interface AuditLogEntry {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  /** Who made the change (a bot included). */
  readonly userId: Snowflake;
  readonly targetId: Snowflake | null;
  readonly actionType: AuditLogAction;
  readonly changes: readonly AuditLogChange[];
  readonly options: AuditLogOptions | null;
  /** From X-Audit-Log-Reason (at most AUDIT_REASON_MAX_LENGTH characters). */
  readonly reason: string | null;
  readonly createdAt: Date;
}

/** An entry before the recorder gives it its id and time. */
export type NewAuditLogEntry = Omit<AuditLogEntry, "id" | "createdAt">;

/** Discord's limit on X-Audit-Log-Reason. */
export const AUDIT_REASON_MAX_LENGTH = 512;

/** Who made a change and why: the caller, and the reason their request gave (X-Audit-Log-Reason). */
export interface AuditActor {
  readonly userId: Snowflake;
  readonly reason?: string | undefined;
}

/** Writes entries in the caller's transaction, each with its GUILD_AUDIT_LOG_ENTRY_CREATE in the outbox. */
export interface AuditLogRecorder {
  /** Records `entries`; they commit, or not, with the change they describe. */
  audit(entries: readonly NewAuditLogEntry[]): Promise<void>;
}

/** How to read each of Discord's change keys from an object: `{ name: (role) => role.name, ... }`. */
export type AuditFields<T> = Readonly<Record<string, (value: T) => unknown>>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const present = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * The change list between `before` and `after` over `fields`, as Discord's entries carry it: an update lists the keys
 * whose value differs (old → new); a create (`before` null) lists the set keys' new values, a delete (`after` null)
 * their old ones. Values are compared as JSON, so arrays and objects compare by content.
 */
export const auditChanges = <T>(before: T | null, after: T | null, fields: AuditFields<T>): AuditLogChange[] =>
  Object.entries(fields).flatMap(([key, read]): AuditLogChange[] => {
    const old = before === null ? undefined : read(before);
    const next = after === null ? undefined : read(after);
    if (before === null) return present(next) ? [{ key, new_value: next }] : [];
    if (after === null) return present(old) ? [{ key, old_value: old }] : [];
    if (same(old, next)) return [];
    return [{ key, ...(present(old) ? { old_value: old } : {}), ...(present(next) ? { new_value: next } : {}) }];
  });

/** An entry of `actor` on `guildId`; changes, options and target as the action has them. */
export const auditEntry = (
  actor: AuditActor,
  guildId: Snowflake,
  actionType: AuditLogAction,
  details: { readonly targetId?: Snowflake | null; readonly changes?: readonly AuditLogChange[]; readonly options?: AuditLogOptions },
): NewAuditLogEntry => ({
  guildId,
  userId: actor.userId,
  targetId: details.targetId ?? null,
  actionType,
  changes: details.changes ?? [],
  options: details.options ?? null,
  reason: actor.reason ?? null,
});

/** Discord's audit log entry object. */
export interface AuditLogEntryPayload {
  readonly id: Snowflake;
  readonly user_id: Snowflake;
  readonly target_id: Snowflake | null;
  readonly action_type: number;
  readonly changes?: AuditLogChange[];
  readonly options?: AuditLogOptions;
  readonly reason?: string;
}

export const auditLogEntryPayload = (entry: AuditLogEntry): AuditLogEntryPayload => ({
  id: entry.id,
  user_id: entry.userId,
  target_id: entry.targetId,
  action_type: entry.actionType,
  ...(entry.changes.length > 0 ? { changes: [...entry.changes] } : {}),
  ...(entry.options ? { options: entry.options } : {}),
  ...(entry.reason === null ? {} : { reason: entry.reason }),
});

/** GUILD_AUDIT_LOG_ENTRY_CREATE: the entry with its guild_id, for the members holding VIEW_AUDIT_LOG. */
export type AuditLogEntryCreated = DomainEvent<"AUDIT_LOG_ENTRY_CREATED", AuditLogEntryPayload & { readonly guild_id: Snowflake }>;

export const auditLogEntryCreated = (entry: AuditLogEntry): Unrecorded<AuditLogEntryCreated> => ({
  type: "AUDIT_LOG_ENTRY_CREATED",
  topics: [topics.guild(entry.guildId)],
  data: { ...auditLogEntryPayload(entry), guild_id: entry.guildId },
});
