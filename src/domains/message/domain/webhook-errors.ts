import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { WEBHOOKS_PER_CHANNEL_MAX } from "./webhook";

/** 404 10015: no such webhook, or one that was deleted (its token is worth nothing then). */
export const unknownWebhook = () => new DomainError(ErrorCode.UNKNOWN_WEBHOOK, "Unknown Webhook");

/** 401 50027: the webhook exists, the token is not its own. */
export const invalidWebhookToken = () => new DomainError(ErrorCode.INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token");

/** 400 30007: the channel has its 15 webhooks. */
export const webhookLimit = () => new DomainError(ErrorCode.WEBHOOK_LIMIT, `Maximum number of webhooks reached (${WEBHOOKS_PER_CHANNEL_MAX}).`);

/** 400 160005: a locked thread takes messages only from MANAGE_THREADS holders, which a webhook never is. */
export const webhookThreadLocked = () => new DomainError(ErrorCode.THREAD_LOCKED, "Thread is locked");
