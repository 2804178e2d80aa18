import { unknownChannel } from "../../../shared/kernel/common-errors";
import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ChannelType, isThread } from "../../channel";
import type { Message } from "../domain/message";
import type { MessageChannel } from "../domain/message-channel";
import { unknownMessage } from "../domain/message-errors";
import { messageDeleted } from "../domain/message-events";
import type { MessagePayload } from "../domain/message-payloads";
import type { AllowedMentions } from "../domain/allowed-mentions";
import { type Webhook, webhookAuthor, webhookChannel } from "../domain/webhook";
import { webhookForumBothThreadFields, webhookForumNeedsThread, webhookThreadLocked, webhookThreadsForumOnly } from "../domain/webhook-errors";
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
  /** A thread of the webhook's channel to post in (Discord's `thread_id` query). */
  readonly threadId?: Snowflake;
  /** A forum webhook's new post: its name, and the forum's tags it carries. */
  readonly threadName?: string;
  readonly appliedTags?: readonly Snowflake[];
};

/**
 * Whether the execute starts a forum post, as Discord decides: a forum webhook needs `thread_name` (a new post) or
 * `thread_id` (an existing one), not both (400 220001, 220002); `thread_name` elsewhere is 400 220003, and
 * `applied_tags` belong to a new post only.
 */
const startsPost = async (deps: Pick<WebhookDeps, "permissions">, webhook: Webhook, input: ExecuteInput): Promise<boolean> => {
  // Asked as the webhook, which is no user: only the channel's type is read (the node's cache answers it).
  const forum = (await deps.permissions.forChannel(webhook.id, webhook.channelId))?.channel.type === ChannelType.GUILD_FORUM;
  const named = input.threadName !== undefined;
  if (forum && named && input.threadId !== undefined) throw webhookForumBothThreadFields();
  if (forum && !named && input.threadId === undefined) throw webhookForumNeedsThread();
  if (!forum && named) throw webhookThreadsForumOnly();
  if (!named && input.appliedTags !== undefined && input.appliedTags.length > 0) throw invalidField("applied_tags", "Only a new forum post (thread_name) takes tags.");
  return named;
};

/**
 * Where a webhook's message is, or goes: its channel, or with `thread_id` a thread of that channel (404 10003 for any
 * other channel or thread, so a token reveals nothing of the rest of the guild). The webhook's own rights apply in the
 * thread too, private ones included: the token is the right to post, as on Discord. Posting to a locked thread is
 * 400 160005 (only MANAGE_THREADS holders post there); an archived one is unarchived by the post.
 */
const targetOf = async (
  deps: Pick<WebhookDeps, "permissions">,
  webhook: Webhook,
  threadId: Snowflake | undefined,
  purpose: "post" | "message",
): Promise<MessageChannel> => {
  const channel = webhookChannel(webhook);
  if (threadId === undefined) return channel;
  // Asked as the webhook, which is no user: the answer's channel is all that is read, not its permissions.
  const resolved = await deps.permissions.forChannel(webhook.id, threadId);
  const thread = resolved?.channel;
  if (!thread || !isThread(thread) || thread.parentId !== webhook.channelId) throw unknownChannel();
  if (purpose === "post" && thread.metadata.locked) throw webhookThreadLocked();
  return { ...channel, id: thread.id, thread: { archived: thread.metadata.archived, member: false } };
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
    const post = await startsPost(deps, webhook, input);
    const author = webhookAuthor(webhook, { username: input.username, avatarUrl: input.avatarUrl });
    const message: SendMessageInput = {
      content: input.content,
      embeds: input.embeds,
      allowedMentions: input.allowedMentions ?? WEBHOOK_DEFAULT_MENTIONS,
      flags: input.flags,
      attachments: input.attachments,
      files: input.files,
    };
    if (post) {
      // The forum post's start (the channel domain's, as for a member's post), whose first message is this execute.
      const started = await deps.webhooks.forumPosts(webhook.id, webhook.channelId, { name: input.threadName as string, appliedTags: input.appliedTags }, async (_id, request) => {
        const thread = { ...webhookChannel(webhook), id: request.threadId, thread: { archived: false, member: false } };
        const starter = { guildId: request.guildId, forumId: request.forumId, permissions: thread.permissions, createThread: request.createThread };
        return (await sendMessage(deps)(webhook.id, request.threadId, { ...message, webhook: { author, channel: thread }, starter })).message;
      });
      return started.message as MessagePayload;
    }
    const channel = await targetOf(deps, webhook, input.threadId, "post");
    return (await sendMessage(deps)(webhook.id, channel.id, { ...message, webhook: { author, channel } })).message;
  };

/** A message this webhook sent, in its channel or the thread named; 404 10008 for any other message. */
const sentBy = async (deps: Pick<WebhookDeps, "repositories">, webhook: Webhook, channel: MessageChannel, messageId: Snowflake): Promise<Message> => {
  const message = await deps.repositories.messages.find(channel.id, messageId, webhook.id);
  if (!message || message.webhook?.id !== webhook.id) throw unknownMessage();
  return message;
};

/** One message the webhook sent, read with its token. */
export const getWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, threadId?: Snowflake): Promise<MessagePayload> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    const channel = await targetOf(deps, webhook, threadId, "message");
    return renderMessage(deps, await sentBy(deps, webhook, channel, messageId));
  };

/** Edits a message the webhook sent (MESSAGE_UPDATED), with its token; the message keeps the name it was sent under. */
export const editWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, input: EditMessageInput & { readonly threadId?: Snowflake }): Promise<MessagePayload> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    const channel = await targetOf(deps, webhook, input.threadId, "message");
    await sentBy(deps, webhook, channel, messageId);
    return editMessage(deps)(webhook.id, channel.id, messageId, {
      content: input.content,
      embeds: input.embeds,
      flags: input.flags,
      allowedMentions: input.allowedMentions ?? WEBHOOK_DEFAULT_MENTIONS,
      attachments: input.attachments,
      files: input.files,
      webhookChannel: channel,
    });
  };

/** Deletes a message the webhook sent (MESSAGE_DELETED), with its token. */
export const deleteWebhookMessage =
  (deps: WebhookDeps) =>
  async (webhookId: Snowflake, token: string, messageId: Snowflake, threadId?: Snowflake): Promise<void> => {
    const webhook = await webhookByToken(deps, webhookId, token);
    const channel = await targetOf(deps, webhook, threadId, "message");
    await sentBy(deps, webhook, channel, messageId);
    await deps.unitOfWork(async (repositories) => {
      if ((await repositories.messages.delete(channel.id, [messageId])).length === 0) throw unknownMessage();
      await repositories.record([messageDeleted(channel, messageId)]);
    });
  };
