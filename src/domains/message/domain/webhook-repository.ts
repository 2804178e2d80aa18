import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { MessageEvent } from "./message-events";
import type { Webhook } from "./webhook";

/** Incoming webhooks. */
export interface WebhookRepository {
  /** One webhook, or null (never created, or deleted). */
  find(id: Snowflake): Promise<Webhook | null>;
  /** A channel's webhooks, oldest first. */
  listByChannel(channelId: Snowflake): Promise<Webhook[]>;
  /** A guild's webhooks, oldest first. */
  listByGuild(guildId: Snowflake): Promise<Webhook[]>;
  /** How many webhooks the channel has, serializing creations and moves into it until the transaction ends. */
  lockChannel(channelId: Snowflake): Promise<number>;
  insert(webhook: Webhook): Promise<void>;
  /** Saves name, avatar and channel; false when the webhook is gone. */
  update(webhook: Webhook): Promise<boolean>;
  /** False when there was no such webhook. */
  delete(id: Snowflake): Promise<boolean>;
}

/** Runs `work` in one transaction: webhook writes, their events and audit log entries commit together or not at all. */
export type WebhookUnitOfWork = <T>(
  work: (repositories: AuditLogRecorder & { readonly webhooks: WebhookRepository; record(events: readonly Unrecorded<MessageEvent>[]): Promise<void> }) => Promise<T>,
) => Promise<T>;

/** Webhook tokens: drawn at random, kept only as a hash, compared in constant time. */
export interface WebhookTokens {
  /** A new token and the hash to store. */
  issue(): { readonly token: string; readonly hash: string };
  /** Whether `token` is the one `hash` was made from. */
  matches(token: string, hash: string): boolean;
}
