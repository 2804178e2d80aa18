import type { WebhookRepository, WebhookTokens, WebhookUnitOfWork } from "../domain/webhook-repository";
import type { MessageDeps } from "./message-deps";

/** The ports of incoming webhooks, which app.ts builds beside the message domain's. */
export interface WebhookPorts {
  /** Webhook writes with their events. */
  readonly unitOfWork: WebhookUnitOfWork;
  /** Reads outside any transaction. */
  readonly repository: WebhookRepository;
  readonly tokens: WebhookTokens;
}

/** What the webhook use cases take: the message domain's ports (they send through its send path) and their own. */
export type WebhookDeps = MessageDeps & { readonly webhooks: WebhookPorts };
