import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { annotated } from "../../../shared/presentation/schema-types";
import type { WebhookUseCases } from "../application/webhook-use-cases";
import { ChannelParams, channelFailures } from "./message-schemas";
import { CreateWebhookBody, UNKNOWN_WEBHOOK, UpdateWebhookBody, WebhookBody, WebhookParams, toWebhookBody, webhookTags } from "./webhook-schemas";

const { group, route } = routesTagged(webhookTags);

/** What the webhook routes files take besides their use cases: the base URL execute URLs start with. */
export type WebhookRouteDeps = RouteDeps<WebhookUseCases> & { readonly publicUrl: () => string };

const NOT_TEXT = fails("VALIDATION", "the channel is not a guild text channel");

/** Managing a guild's incoming webhooks, as a member with MANAGE_WEBHOOKS. */
export const webhookRoutes = ({ useCases, publicUrl, ...deps }: WebhookRouteDeps) => {
  return group(deps)
    .post(
      "/channels/:id/webhooks",
      async ({ caller, params, body, status, request }) => status(201, toWebhookBody(await useCases.createWebhook(caller.userId, params.id, body, auditReason(request)), publicUrl())),
      route({ summary: "Create an incoming webhook in a text channel (MANAGE_WEBHOOKS; at most 15 per channel); the answer holds its token, shown only this once", schemas: { params: ChannelParams, body: CreateWebhookBody }, ok: { 201: annotated(WebhookBody, { description: "Created — the webhook, with `token` and `url`" }) }, failures: [lacks("MANAGE_WEBHOOKS"), ...channelFailures, NOT_TEXT, fails("WEBHOOK_LIMIT", "the channel has 15 webhooks")] }),
    )
    .get(
      "/channels/:id/webhooks",
      async ({ caller, params }) => (await useCases.listChannelWebhooks(caller.userId, params.id)).map((view) => toWebhookBody(view, publicUrl())),
      route({ summary: "A channel's webhooks, oldest first (MANAGE_WEBHOOKS)", schemas: { params: ChannelParams }, ok: { 200: t.Array(WebhookBody) }, failures: [lacks("MANAGE_WEBHOOKS"), ...channelFailures, NOT_TEXT] }),
    )
    .get(
      "/guilds/:id/webhooks",
      async ({ caller, params }) => (await useCases.listGuildWebhooks(caller.userId, params.id)).map((view) => toWebhookBody(view, publicUrl())),
      route({ summary: "A guild's webhooks, oldest first (MANAGE_WEBHOOKS guild-wide)", schemas: { params: ChannelParams }, ok: { 200: t.Array(WebhookBody) }, failures: [lacks("MANAGE_WEBHOOKS"), ...guildFailures] }),
    )
    .get(
      "/webhooks/:id",
      async ({ caller, params }) => toWebhookBody(await useCases.getWebhook(caller.userId, params.id), publicUrl()),
      route({ summary: "One webhook (MANAGE_WEBHOOKS in its channel); without its token", schemas: { params: WebhookParams }, ok: { 200: WebhookBody }, failures: [lacks("MANAGE_WEBHOOKS"), fails("MISSING_ACCESS", "the caller cannot see the webhook's channel"), UNKNOWN_WEBHOOK] }),
    )
    .patch(
      "/webhooks/:id",
      async ({ caller, params, body, request }) =>
        toWebhookBody(await useCases.updateWebhook(caller.userId, params.id, { name: body.name, avatar: body.avatar, channelId: body.channel_id }, auditReason(request)), publicUrl()),
      route({ summary: "Rename a webhook, change its avatar or move it to another text channel of its guild (MANAGE_WEBHOOKS in both channels)", schemas: { params: WebhookParams, body: UpdateWebhookBody }, ok: { 200: WebhookBody }, failures: [lacks("MANAGE_WEBHOOKS"), fails("MISSING_ACCESS", "the caller cannot see the webhook's channel or the target channel"), fails("UNKNOWN_CHANNEL", "no such target channel"), fails("VALIDATION", "the target channel is not a text channel of the webhook's guild"), fails("WEBHOOK_LIMIT", "the target channel has 15 webhooks"), UNKNOWN_WEBHOOK] }),
    )
    .delete(
      "/webhooks/:id",
      async ({ caller, params, request }) => useCases.deleteWebhook(caller.userId, params.id, auditReason(request)).then(noContent),
      route({ summary: "Delete a webhook (MANAGE_WEBHOOKS in its channel); its messages stay, its token stops working at once", schemas: { params: WebhookParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_WEBHOOKS"), fails("MISSING_ACCESS", "the caller cannot see the webhook's channel"), UNKNOWN_WEBHOOK] }),
    );
};
