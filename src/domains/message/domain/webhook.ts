import type { AuditFields } from "../../../shared/kernel/audit-log";
import { invalidField } from "../../../shared/kernel/domain-error";
import { imageUrlOrNull } from "../../../shared/kernel/field-checks";
import { Permission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { codePointLength } from "../../../shared/kernel/text";
import type { MessageChannel } from "./message-channel";

/** Discord's webhook types: XCord has incoming webhooks only. */
export const WebhookType = { INCOMING: 1 } as const;

/**
 * An incoming webhook of a guild text channel: whoever holds its token posts to the channel under its name. Only
 * the token's hash is kept; creation time is the id's timestamp.
 */
export interface Webhook {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  readonly channelId: Snowflake;
  /** The member who created it. */
  readonly creatorId: Snowflake;
  readonly name: string;
  /** An http(s) image URL, or null. */
  readonly avatar: string | null;
  readonly tokenHash: string;
}

/** Discord's audit log change keys for a webhook (type 1: incoming). */
export const WEBHOOK_AUDIT_FIELDS: AuditFields<Webhook> = {
  name: (webhook) => webhook.name,
  type: () => 1,
  channel_id: (webhook) => webhook.channelId,
  avatar_hash: (webhook) => webhook.avatar,
};

/** Discord's limits: names of 1–80 characters, 15 webhooks per channel. */
export const WEBHOOK_NAME_MAX = 80;
export const WEBHOOKS_PER_CHANNEL_MAX = 15;
export const WEBHOOK_AVATAR_MAX = 2048;

/** Words Discord refuses in webhook names and execute usernames, in any case. */
const FORBIDDEN_NAME_PARTS = ["clyde", "discord"] as const;

/** A webhook name, or a username override on execute: 1–80 characters, not blank, none of Discord's forbidden words. */
export const checkWebhookName = (name: string, field = "name"): string => {
  const length = codePointLength(name);
  if (length < 1 || length > WEBHOOK_NAME_MAX || name.trim() === "") throw invalidField(field, `Must be between 1 and ${WEBHOOK_NAME_MAX} in length.`);
  const lower = name.toLowerCase();
  const forbidden = FORBIDDEN_NAME_PARTS.find((part) => lower.includes(part));
  if (forbidden) throw invalidField(field, `Webhook names cannot contain "${forbidden}".`);
  return name;
};

/** A webhook avatar or an execute `avatar_url`: an http(s) URL of at most 2048 characters, or null. */
export const checkWebhookAvatar = (avatar: string | null, field = "avatar"): string | null => imageUrlOrNull(avatar, field, WEBHOOK_AVATAR_MAX);

/** What a webhook's message shows as its author: the webhook, under the name and avatar of that execute. */
export interface WebhookAuthor {
  readonly id: Snowflake;
  readonly username: string;
  readonly avatar: string | null;
}

/** The author of an execute: the overrides when sent, else the webhook's own name and avatar. */
export const webhookAuthor = (webhook: Webhook, overrides: { readonly username?: string; readonly avatarUrl?: string }): WebhookAuthor => ({
  id: webhook.id,
  username: overrides.username === undefined ? webhook.name : checkWebhookName(overrides.username, "username"),
  avatar: overrides.avatarUrl === undefined ? webhook.avatar : checkWebhookAvatar(overrides.avatarUrl, "avatar_url"),
});

/**
 * What a webhook may do in its channel: post, attach and mention, whoever created it and whatever the channel's
 * overwrites say (Discord's rule: the token is the right to post). `@everyone` still needs `allowed_mentions`.
 */
export const WEBHOOK_PERMISSIONS: bigint =
  Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES | Permission.ATTACH_FILES | Permission.READ_MESSAGE_HISTORY | Permission.MENTION_EVERYONE;

/** The webhook's channel as the send path sees it: a guild text channel (a webhook dies with its channel). */
export const webhookChannel = (webhook: Webhook): MessageChannel => ({
  id: webhook.channelId,
  guildId: webhook.guildId,
  text: true,
  recipientIds: [],
  permissions: WEBHOOK_PERMISSIONS,
  // Webhooks are not held by slow mode (Discord's rule).
  rateLimitPerUser: 0,
});

/** Who sends a webhook's message, for the message domain's send path: the author it shows, and the channel. */
export interface WebhookSender {
  readonly author: WebhookAuthor;
  readonly channel: MessageChannel;
}

