import type { WebhookDeps } from "./webhook-deps";
import { deleteWebhookMessage, editWebhookMessage, executeWebhook, getWebhookMessage } from "./webhook-messages";
import {
  createWebhook,
  deleteWebhook,
  deleteWebhookWithToken,
  getWebhook,
  getWebhookWithToken,
  listChannelWebhooks,
  listGuildWebhooks,
  updateWebhook,
  updateWebhookWithToken,
} from "./webhooks";

/** Every webhook use case: managing webhooks as a member, and what their tokens open. */
export const webhookUseCases = (deps: WebhookDeps) => ({
  createWebhook: createWebhook(deps),
  listChannelWebhooks: listChannelWebhooks(deps),
  listGuildWebhooks: listGuildWebhooks(deps),
  getWebhook: getWebhook(deps),
  updateWebhook: updateWebhook(deps),
  deleteWebhook: deleteWebhook(deps),
  getWebhookWithToken: getWebhookWithToken(deps),
  updateWebhookWithToken: updateWebhookWithToken(deps),
  deleteWebhookWithToken: deleteWebhookWithToken(deps),
  executeWebhook: executeWebhook(deps),
  getWebhookMessage: getWebhookMessage(deps),
  editWebhookMessage: editWebhookMessage(deps),
  deleteWebhookMessage: deleteWebhookMessage(deps),
});

export type WebhookUseCases = ReturnType<typeof webhookUseCases>;
