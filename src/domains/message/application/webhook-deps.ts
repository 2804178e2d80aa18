import type { WebhookRepository, WebhookTokens, WebhookUnitOfWork } from "../domain/webhook-repository";
import type { MessageDeps } from "./message-deps";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ForumPost, ForumStarter } from "../../channel";

/** The ports of incoming webhooks, which app.ts builds beside the message domain's. */
export interface WebhookPorts {
  /** Webhook writes with their events. */
  readonly unitOfWork: WebhookUnitOfWork;
  /** Reads outside any transaction. */
  readonly repository: WebhookRepository;
  readonly tokens: WebhookTokens;
  /** The channel domain's start of a forum post by a webhook, whose first message `send` writes (execute with `thread_name`). */
  readonly forumPosts: WebhookForumPosts;
}

/** A forum post started by a webhook: the thread (`name`, `appliedTags`), then its first message, by `send`. */
export type WebhookForumPosts = (
  webhookId: Snowflake,
  forumId: Snowflake,
  input: { readonly name: string; readonly appliedTags?: readonly Snowflake[] },
  send: ForumStarter,
) => Promise<ForumPost>;

/** What the webhook use cases take: the message domain's ports (they send through its send path) and their own. */
export type WebhookDeps = MessageDeps & { readonly webhooks: WebhookPorts };
