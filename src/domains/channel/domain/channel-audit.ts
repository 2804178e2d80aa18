import {
  type AuditActor,
  type AuditFields,
  type AuditLogAction,
  type AuditLogChange,
  AuditLogEvent,
  type AuditLogOptions,
  type NewAuditLogEntry,
  auditChanges,
  auditEntry,
} from "../../../shared/kernel/audit-log";
import type { GuildChannel } from "./channel";
import type { ForumTag } from "./forum";
import type { Overwrite } from "./overwrite";
import type { ThreadChannel } from "./thread";

/*
 * Discord's audit log change keys for channels and their overwrites. Overwrites are logged as entries of their own
 * (CHANNEL_OVERWRITE_*), except on a create, where Discord lists them as `permission_overwrites`.
 */

const tagPayload = (tag: ForumTag) => ({ id: tag.id, name: tag.name, moderated: tag.moderated, emoji_id: tag.emojiId, emoji_name: tag.emojiName });

export const CHANNEL_AUDIT_FIELDS: AuditFields<GuildChannel> = {
  name: (channel) => channel.name,
  type: (channel) => channel.type,
  topic: (channel) => channel.topic,
  position: (channel) => channel.position,
  parent_id: (channel) => channel.parentId,
  user_limit: (channel) => (channel.userLimit === 0 ? null : channel.userLimit),
  rate_limit_per_user: (channel) => (channel.rateLimitPerUser === 0 ? null : channel.rateLimitPerUser),
  video_quality_mode: (channel) => channel.videoQualityMode ?? null,
  // Forums' settings (absent on other channels, so never listed for them).
  available_tags: (channel) => channel.forum?.availableTags.map(tagPayload) ?? null,
  default_reaction_emoji: (channel) => {
    const emoji = channel.forum?.defaultReactionEmoji;
    return emoji ? { emoji_id: emoji.emojiId, emoji_name: emoji.emojiName } : null;
  },
  default_sort_order: (channel) => channel.forum?.defaultSortOrder ?? null,
  default_forum_layout: (channel) => channel.forum?.defaultForumLayout || null,
  default_thread_rate_limit_per_user: (channel) => channel.forum?.defaultThreadRateLimitPerUser || null,
  flags: (channel) => channel.forum?.flags || null,
};

export const THREAD_AUDIT_FIELDS: AuditFields<ThreadChannel> = {
  name: (thread) => thread.name,
  type: (thread) => thread.type,
  archived: (thread) => thread.metadata.archived,
  locked: (thread) => thread.metadata.locked,
  auto_archive_duration: (thread) => thread.metadata.autoArchiveDuration,
  rate_limit_per_user: (thread) => thread.rateLimitPerUser,
  invitable: (thread) => thread.metadata.invitable,
  applied_tags: (thread) => (thread.appliedTags ? [...thread.appliedTags] : null),
  flags: (thread) => thread.flags,
};

const overwritePayload = (overwrite: Overwrite) => ({ id: overwrite.id, type: overwrite.type, allow: overwrite.allow.toString(), deny: overwrite.deny.toString() });

/** A new channel's changes: its fields and, when it has any, its overwrites. */
export const createdChannelChanges = (channel: GuildChannel): AuditLogChange[] => [
  ...auditChanges(null, channel, CHANNEL_AUDIT_FIELDS),
  ...(channel.overwrites.length > 0 ? [{ key: "permission_overwrites", new_value: channel.overwrites.map(overwritePayload) }] : []),
];

export const OVERWRITE_AUDIT_FIELDS: AuditFields<Overwrite> = {
  id: (overwrite) => overwrite.id,
  type: (overwrite) => overwrite.type,
  allow: (overwrite) => overwrite.allow.toString(),
  deny: (overwrite) => overwrite.deny.toString(),
};

/** One overwrite entry's action, changes and options (Discord's `id` and `type`, "0" role or "1" member). */
export interface OverwriteAudit {
  readonly action: AuditLogAction;
  readonly before: Overwrite | null;
  readonly after: Overwrite | null;
  readonly options: AuditLogOptions;
}

/** The overwrites added, changed or removed between two lists, one audit entry each. */
export const overwriteAudits = (before: readonly Overwrite[], after: readonly Overwrite[]): OverwriteAudit[] => {
  const old = new Map(before.map((overwrite) => [overwrite.id, overwrite]));
  const next = new Map(after.map((overwrite) => [overwrite.id, overwrite]));
  const options = (overwrite: Overwrite): AuditLogOptions => ({ id: overwrite.id, type: String(overwrite.type) });
  const audits: OverwriteAudit[] = [];
  for (const overwrite of after) {
    const previous = old.get(overwrite.id);
    if (!previous) audits.push({ action: AuditLogEvent.CHANNEL_OVERWRITE_CREATE, before: null, after: overwrite, options: options(overwrite) });
    else if (previous.allow !== overwrite.allow || previous.deny !== overwrite.deny || previous.type !== overwrite.type) {
      audits.push({ action: AuditLogEvent.CHANNEL_OVERWRITE_UPDATE, before: previous, after: overwrite, options: options(overwrite) });
    }
  }
  for (const overwrite of before) {
    if (!next.has(overwrite.id)) audits.push({ action: AuditLogEvent.CHANNEL_OVERWRITE_DELETE, before: overwrite, after: null, options: options(overwrite) });
  }
  return audits;
};

/** The entries of a channel's overwrite changes, as `actor` made them (target: the channel). */
export const overwriteEntries = (actor: AuditActor, channel: GuildChannel, before: readonly Overwrite[], after: readonly Overwrite[]): NewAuditLogEntry[] =>
  overwriteAudits(before, after).map((audit) =>
    auditEntry(actor, channel.guildId, audit.action, { targetId: channel.id, changes: auditChanges(audit.before, audit.after, OVERWRITE_AUDIT_FIELDS), options: audit.options }),
  );

/** CHANNEL_UPDATE for the channel's own fields, when any changed, then an entry per overwrite change. */
export const channelUpdateEntries = (actor: AuditActor, before: GuildChannel, after: GuildChannel): NewAuditLogEntry[] => {
  const changes = auditChanges(before, after, CHANNEL_AUDIT_FIELDS);
  return [
    ...(changes.length > 0 ? [auditEntry(actor, after.guildId, AuditLogEvent.CHANNEL_UPDATE, { targetId: after.id, changes })] : []),
    ...overwriteEntries(actor, after, before.overwrites, after.overwrites),
  ];
};
