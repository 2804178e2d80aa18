import { t } from "elysia";
import { errorResponses, fails } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import { CodePointString, HttpUrlString, SnowflakeString, annotated } from "../../../shared/presentation/schema-types";
import { WEBHOOK_AVATAR_MAX, WEBHOOK_NAME_MAX } from "../domain/webhook";
import type { ExecuteInput } from "../application/webhook-messages";
import { EditMessageBody, EditMessageMultipart, MessageBody, SendMessageBody, SendMessageMultipart, UNKNOWN_MESSAGE } from "./message-schemas";
import { EDIT_NULLS, allowedOf, entriesOf, withMultipart } from "./message-routes";
import { takeFiles } from "./message-multipart";
import type { WebhookRouteDeps } from "./webhook-routes";
import {
  ExecuteQuery,
  INVALID_WEBHOOK_TOKEN,
  UNKNOWN_WEBHOOK,
  UpdateWebhookWithTokenBody,
  WebhookBody,
  WebhookMessageParams,
  WebhookMessageQuery,
  WebhookTokenParams,
  isTrue,
  toWebhookBody,
  webhookTags,
} from "./webhook-schemas";

const { group } = routesTagged(webhookTags, { authenticated: false });

/** Discord's webhook limit: 5 executes per 2 s per webhook, whoever calls (`route` keys on the webhook id and token). */
export const WEBHOOK_EXECUTE_LIMIT: RateLimitRule = { bucket: "webhooks.execute", limit: 5, periodMs: 2000, by: "route" };
/** The other token routes: 5 per 2 s per webhook (and per message, on the message routes). */
export const WEBHOOK_TOKEN_LIMIT: RateLimitRule = { bucket: "webhooks.token", limit: 5, periodMs: 2000, by: "route" };

const send = SendMessageBody.properties;
const ignoredField = (why: string) => t.Optional(t.Unknown({ description: `accepted and ignored: ${why}` }));
/**
 * Discord's execute body: a message's fields, the author overrides, and the thread fields XCord refuses. Without
 * `allowed_mentions`, users and roles count but @everyone does not.
 */
export const ExecuteWebhookBody = t.Object(
  {
    content: send.content,
    username: t.Optional(CodePointString({ minLength: 1, maxLength: WEBHOOK_NAME_MAX, description: `the author's name for this message: 1–${WEBHOOK_NAME_MAX} characters, not "clyde" or "discord"` })),
    avatar_url: t.Optional(HttpUrlString(WEBHOOK_AVATAR_MAX, "the author's avatar for this message")),
    tts: send.tts,
    embeds: send.embeds,
    allowed_mentions: send.allowed_mentions,
    flags: send.flags,
    attachments: send.attachments,
    components: send.components,
    poll: send.poll,
    enforce_nonce: ignoredField("webhooks do not de-duplicate (discord.js sends it with every execute)"),
    nonce: ignoredField("webhooks do not de-duplicate"),
    sticker_ids: send.sticker_ids,
    thread_name: t.Optional(
      t.String({ maxLength: 100, description: "a forum webhook: the name of the post (thread) this execute starts, its message the post's first; 400 220003 on a webhook of another channel" }),
    ),
    applied_tags: t.Optional(t.Array(SnowflakeString, { maxItems: 5, description: "with thread_name: the forum's tags the new post carries (moderated ones refused: a webhook holds no MANAGE_THREADS)" })),
  },
  { additionalProperties: false, examples: [{ content: "Build #42 passed", username: "CI" }] },
);

/** An edit's body as on PATCH /channels/{id}/messages/{id}, plus what discord.js's WebhookClient sends with every edit. */
export const EditWebhookMessageBody = t.Object(
  {
    ...EditMessageBody.properties,
    tts: ignoredField("messages are never text-to-speech"),
    enforce_nonce: ignoredField("edits do not de-duplicate"),
    nonce: ignoredField("edits do not de-duplicate"),
    username: ignoredField("a message keeps the name it was sent under"),
    avatar_url: ignoredField("a message keeps the avatar it was sent under"),
  },
  { additionalProperties: false, examples: [{ content: "Build #42 passed (edited)" }] },
);

const executeInputOf = (body: typeof ExecuteWebhookBody.static): ExecuteInput => ({
  content: body.content,
  username: body.username,
  avatarUrl: body.avatar_url,
  embeds: body.embeds,
  allowedMentions: allowedOf(body.allowed_mentions),
  flags: body.flags,
  attachments: entriesOf(body.attachments),
  threadName: body.thread_name,
  appliedTags: body.applied_tags,
});

/** Every token route's refusals: the webhook is gone, or the token is not its own. */
const tokenFailures = [UNKNOWN_WEBHOOK, INVALID_WEBHOOK_TOKEN] as const;
/** `thread_id` that is no thread of the webhook's channel. */
const THREAD_NOT_HERE = fails("UNKNOWN_CHANNEL", "thread_id is not a thread of the webhook's channel");
const limited = (rule: RateLimitRule, ...failures: Parameters<typeof errorResponses>[1][]) => errorResponses({ auth: false, rateLimit: rule }, ...tokenFailures, ...failures);
const detail = (summary: string) => ({ summary, tags: [...webhookTags] });

/** What a webhook's token opens, without a login (Discord's shape: no `user`, no channel move): the webhook, execute, its messages. */
export const webhookTokenRoutes = ({ useCases, publicUrl, ...deps }: WebhookRouteDeps) => {
  return group(deps)
    .get("/webhooks/:id/:token", async ({ params }) => toWebhookBody(await useCases.getWebhookWithToken(params.id, params.token), publicUrl()), {
      rateLimit: WEBHOOK_TOKEN_LIMIT,
      params: WebhookTokenParams,
      response: { 200: WebhookBody, ...limited(WEBHOOK_TOKEN_LIMIT) },
      detail: detail("The webhook its token opens (no login; no `user`)"),
    })
    .patch(
      "/webhooks/:id/:token",
      async ({ params, body }) => toWebhookBody(await useCases.updateWebhookWithToken(params.id, params.token, { name: body.name, avatar: body.avatar }), publicUrl()),
      {
        rateLimit: WEBHOOK_TOKEN_LIMIT,
        params: WebhookTokenParams,
        body: UpdateWebhookWithTokenBody,
        response: { 200: WebhookBody, ...limited(WEBHOOK_TOKEN_LIMIT) },
        detail: detail("Rename the webhook or change its avatar with its token (no login; moving it takes PATCH /webhooks/{id} as a member)"),
      },
    )
    .delete("/webhooks/:id/:token", async ({ params }) => useCases.deleteWebhookWithToken(params.id, params.token).then(noContent), {
      rateLimit: WEBHOOK_TOKEN_LIMIT,
      params: WebhookTokenParams,
      response: { 204: NoContent, ...limited(WEBHOOK_TOKEN_LIMIT) },
      detail: detail("Delete the webhook with its token (no login); its messages stay"),
    })
    .post(
      "/webhooks/:id/:token",
      async ({ params, query, body, request }) => {
        const message = await useCases.executeWebhook(params.id, params.token, { ...executeInputOf(body), files: await takeFiles(request), threadId: query.thread_id });
        // The message as a plain value (200), not through status(): answered as exactly `application/json`, which discord.py requires.
        return isTrue(query.wait) ? message : noContent();
      },
      withMultipart(
        {
          rateLimit: WEBHOOK_EXECUTE_LIMIT,
          params: WebhookTokenParams,
          query: ExecuteQuery,
          body: ExecuteWebhookBody,
          response: {
            200: annotated(MessageBody, { description: "OK — with ?wait=true: the message, authored by the webhook, with `webhook_id`" }),
            204: annotated(NoContent, { description: "No Content — without ?wait=true: the message was sent" }),
            ...limited(
              WEBHOOK_EXECUTE_LIMIT,
              fails("VALIDATION", "no content, embeds or files; a forbidden username; applied_tags without thread_name, or not tags of the forum"),
              THREAD_NOT_HERE,
              fails("THREAD_LOCKED", "thread_id names a locked thread"),
              fails("WEBHOOK_FORUM_NEEDS_THREAD", "a forum webhook without thread_name or thread_id"),
              fails("WEBHOOK_FORUM_BOTH_THREAD_FIELDS", "a forum webhook with both thread_name and thread_id"),
              fails("WEBHOOK_THREADS_FORUM_ONLY", "thread_name on a webhook of a channel that is no forum"),
              fails("THREAD_LIMIT", "a new post when the guild has 1000 active threads"),
              fails("MISSING_PERMISSIONS", "applied_tags name a moderated tag"),
            ),
          },
          detail: detail(
            "Execute: post a message as the webhook (no login; JSON, or multipart payload_json + files[n]); with ?thread_id= into that thread of its channel, unarchiving it; a forum webhook's thread_name starts a post; 5 per 2 s per webhook",
          ),
        },
        SendMessageMultipart,
      ),
    )
    .get(
      "/webhooks/:id/:token/messages/:message_id",
      async ({ params, query }) => useCases.getWebhookMessage(params.id, params.token, params.message_id, query.thread_id),
      {
        rateLimit: WEBHOOK_TOKEN_LIMIT,
        params: WebhookMessageParams,
        query: WebhookMessageQuery,
        response: { 200: MessageBody, ...limited(WEBHOOK_TOKEN_LIMIT, fails("UNKNOWN_MESSAGE", "no message of this webhook has this id (in the thread of thread_id)"), THREAD_NOT_HERE) },
        detail: detail("A message this webhook sent (no login); one in a thread takes ?thread_id="),
      },
    )
    .patch(
      "/webhooks/:id/:token/messages/:message_id",
      async ({ params, query, body, request }) =>
        useCases.editWebhookMessage(params.id, params.token, params.message_id, {
          content: body.content,
          embeds: body.embeds,
          flags: body.flags,
          allowedMentions: allowedOf(body.allowed_mentions),
          attachments: entriesOf(body.attachments),
          files: await takeFiles(request),
          threadId: query.thread_id,
        }),
      withMultipart(
        {
          rateLimit: WEBHOOK_TOKEN_LIMIT,
          params: WebhookMessageParams,
          query: WebhookMessageQuery,
          body: EditWebhookMessageBody,
          response: { 200: MessageBody, ...limited(WEBHOOK_TOKEN_LIMIT, fails("UNKNOWN_MESSAGE", "no message of this webhook has this id (in the thread of thread_id)"), THREAD_NOT_HERE) },
          detail: detail("Edit a message this webhook sent, as PATCH /channels/{id}/messages/{id} (no login; JSON or multipart); one in a thread takes ?thread_id="),
        },
        EditMessageMultipart,
        EDIT_NULLS,
      ),
    )
    .delete(
      "/webhooks/:id/:token/messages/:message_id",
      async ({ params, query }) => useCases.deleteWebhookMessage(params.id, params.token, params.message_id, query.thread_id).then(noContent),
      {
        rateLimit: WEBHOOK_TOKEN_LIMIT,
        params: WebhookMessageParams,
        query: WebhookMessageQuery,
        response: { 204: NoContent, ...limited(WEBHOOK_TOKEN_LIMIT, UNKNOWN_MESSAGE, THREAD_NOT_HERE) },
        detail: detail("Delete a message this webhook sent (no login); one in a thread takes ?thread_id="),
      },
    );
};
