import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { WEBHOOKS_PER_CHANNEL_MAX } from "./webhook";

/** 404 10015: no such webhook, or one that was deleted (its token is worth nothing then). */
export const unknownWebhook = () => new DomainError(ErrorCode.UNKNOWN_WEBHOOK, "Unknown Webhook");

/** 401 50027: the webhook exists, the token is not its own. */
export const invalidWebhookToken = () => new DomainError(ErrorCode.INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token");

/** 400 30007: the channel has its 15 webhooks. */
export const webhookLimit = () => new DomainError(ErrorCode.WEBHOOK_LIMIT, `Maximum number of webhooks reached (${WEBHOOKS_PER_CHANNEL_MAX}).`);

/** 400 220001: a forum webhook's execute names neither the post to start (`thread_name`) nor one to post in. */
export const webhookForumNeedsThread = () => new DomainError(ErrorCode.WEBHOOK_FORUM_NEEDS_THREAD, "Webhooks posted to forum channels must have a thread_name or thread_id");

/** 400 220002: a forum webhook's execute names both. */
export const webhookForumBothThreadFields = () =>
  new DomainError(ErrorCode.WEBHOOK_FORUM_BOTH_THREAD_FIELDS, "Webhooks posted to forum channels cannot have both a thread_name and thread_id");

/** 400 220003: `thread_name` on a webhook of a channel that is no forum. */
export const webhookThreadsForumOnly = () => new DomainError(ErrorCode.WEBHOOK_THREADS_FORUM_ONLY, "Webhooks can only create threads in forum channels");

/** 400 160005: a locked thread takes messages only from MANAGE_THREADS holders, which a webhook never is. */
export const webhookThreadLocked = () => new DomainError(ErrorCode.THREAD_LOCKED, "Thread is locked");
