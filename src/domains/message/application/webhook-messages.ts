import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Message } from "../domain/message";
import { unknownMessage } from "../domain/message-errors";
import { messageDeleted } from "../domain/message-events";
import type { MessagePayload } from "../domain/message-payloads";
import type { AllowedMentions } from "../domain/allowed-mentions";
import { type Webhook, webhookAuthor, webhookChannel } from "../domain/webhook";
import { noThreads } from "../domain/webhook-errors";
import { type EditMessageInput, editMessage } from "./edit-message";
import { renderMessage } from "./message-views";
import { type SendMessageInput, sendMessage } from "./send-message";
import type { WebhookDeps } from "./webhook-deps";
import { webhookByToken } from "./webhooks";

/**
 * Without `allowed_mentions`, a webhook's users and roles mentions count but `@everyone` does not. Discord would
 * parse it too; XCord does not, since a leaked webhook URL would otherwise ping the whole guild (docs/rest.md).
 */
const WEBHOOK_DEFAULT_MENTIONS: AllowedMentions = { parse: ["users", "roles"] };

/** What an execute may carry: a message's content, embeds, files and mentions, and the author overrides. */
export type ExecuteInput = Pick<SendMessageInput, "content" | "embeds" | "allowedMentions" | "flags" | "attachments" | "files"> & {
  readonly username?: string;
  readonly avatarUrl?: string;
  /** Discord's threads and forum posts: webhooks cannot post to threads yet and XCord has no forums, so any of these is refused. */
  readonly threadId?: Snowflake;
  readonly threadName?: string;
  readonly appliedTags?: readonly Snowflake[];
};

/** Refuses what needs a webhook to post in a thread (not built yet) or forum channels (XCord has none). */
const refuseThreads = (input: Pick<ExecuteInput, "threadId" | "threadName" | "appliedTags">) => {
  if (input.threadId !== undefined) throw noThreads();
  if (input.threadName !== undefined) throw invalidField("thread_name", "XCord has no forum channels: omit thread_name.");
  if (input.appliedTags !== undefined && input.appliedTags.length > 0) throw invalidField("applied_tags", "XCord has no forum channels: omit applied_tags.");
};

/**
 * Posts a message as the webhook its token opens (MESSAGE_SENT), through the message domain's send path: the same
 * checks of content, embeds and files, the same outbox, history and search. The author is the webhook, under the
 * `username` and `avatar_url` of this execute when given; `webhook_id` marks the message. No user's permissions are
 * checked: the token is the right to post. 404 10015 for an unknown webhook, 401 50027 for another token.
 */
export const executeWebhook =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, input: ExecuteInput): Promise<MessagePayload> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    refuseThreads(input);
    const author = webhookAuthor(webhook, { username: input.username, avatarUrl: input.avatarUrl });
    const sent = await sendMessage(deps)(webhook.id, webhook.channelId, {
      content: input.content,
      embeds: input.embeds,
      allowedMentions: input.allowedMentions ?? WEBHOOK_DEFAULT_MENTIONS,
      flags: input.flags,
      attachments: input.attachments,
      files: input.files,
      webhook: { author, channel: webhookChannel(webhook) },
    });
    return sent.message;
  };

/** A message this webhook sent, in its channel; 404 10008 for any other message. */
const sentBy = async (deps: Pick<WebhookDeps, "repositories">, webhook: Webhook, messageId: Snowflake): Promise<Message> => {
  const message = await deps.repositories.messages.find(webhook.channelId, messageId, webhook.id);
  if (!message || message.webhook?.id !== webhook.id) throw unknownMessage();
  return message;
};

/** One message the webhook sent, read with its token. */
export const getWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, threadId?: Snowflake): Promise<MessagePayload> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    refuseThreads({ threadId });
    return renderMessage(deps, await sentBy(deps, webhook, messageId));
  };

/** Edits a message the webhook sent (MESSAGE_UPDATED), with its token; the message keeps the name it was sent under. */
export const editWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, input: EditMessageInput & { readonly threadId?: Snowflake }): Promise<MessagePayload> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    refuseThreads({ threadId: input.threadId });
    await sentBy(deps, webhook, messageId);
    return editMessage(deps)(webhook.id, webhook.channelId, messageId, {
      content: input.content,
      embeds: input.embeds,
      flags: input.flags,
      allowedMentions: input.allowedMentions ?? WEBHOOK_DEFAULT_MENTIONS,
      attachments: input.attachments,
      files: input.files,
      webhookChannel: webhookChannel(webhook),
    });
  };

/** Deletes a message the webhook sent (MESSAGE_DELETED), with its token. */
export const deleteWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, threadId?: Snowflake): Promise<void> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    refuseThreads({ threadId });
    await sentBy(deps, webhook, messageId);
    await deps.unitOfWork(async (repositories) => {
      if ((await repositories.messages.delete(webhook.channelId, [messageId])).length === 0) throw unknownMessage();
      await repositories.record([messageDeleted(webhookChannel(webhook), messageId)]);
    });
  };
