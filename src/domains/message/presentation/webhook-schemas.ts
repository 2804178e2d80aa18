import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import { CodePointString, HttpUrlString, SnowflakeString, Timestamp, annotated } from "../../../shared/presentation/schema-types";
import { type UserPayload, userPayload } from "../../../shared/kernel/users";
import { UserBody } from "../../identity";
import type { WebhookView } from "../application/webhooks";
import { WEBHOOK_AVATAR_MAX, WEBHOOK_NAME_MAX, WebhookType } from "../domain/webhook";

const strict = { additionalProperties: false } as const;
export const webhookTags = ["Webhooks"];

export const UNKNOWN_WEBHOOK = fails("UNKNOWN_WEBHOOK", "no such webhook, or it was deleted");
export const INVALID_WEBHOOK_TOKEN = fails("INVALID_WEBHOOK_TOKEN", "the token is not this webhook's");

const WEBHOOK_EXAMPLE = {
  id: "1234567890123456800",
  type: 1,
  guild_id: "1234567890123456789",
  channel_id: "1234567890123456790",
  name: "CI",
  avatar: null,
  application_id: null,
};

/** The author of a webhook's message: Discord's webhook user. */
export const WebhookAuthorBody = t.Object(
  {
    id: SnowflakeString,
    username: t.String({ description: "the name the message was sent under: the execute's `username`, else the webhook's name then" }),
    display_name: t.Null(),
    discriminator: t.Literal("0000", { description: 'always "0000", as Discord\'s webhook authors' }),
    global_name: t.Null(),
    avatar: t.Nullable(t.String({ description: "the execute's `avatar_url`, else the webhook's avatar then" })),
    bot: t.Literal(true),
    created_at: Timestamp,
  },
  {
    title: "WebhookAuthor",
    description: "a webhook's message's author: its id is the webhook's",
    examples: [{ id: "1234567890123456800", username: "CI", display_name: null, discriminator: "0000", global_name: null, avatar: null, bot: true, created_at: "2025-01-01T12:00:00.000Z" }],
  },
);

export const WebhookBody = t.Object(
  {
    id: SnowflakeString,
    type: t.Literal(WebhookType.INCOMING, { description: "1: incoming (the only type XCord has)" }),
    guild_id: SnowflakeString,
    channel_id: SnowflakeString,
    user: t.Optional(UserBody),
    name: t.String(),
    avatar: t.Nullable(t.String({ description: "an http(s) image URL" })),
    application_id: t.Null({ description: "always null: no webhook of XCord belongs to an application" }),
    token: t.Optional(t.String({ description: "only when the webhook is created, and on the routes that take it: XCord keeps only its hash" })),
    url: t.Optional(t.String({ description: "the execute URL, with the token; present exactly when `token` is" })),
  },
  { title: "Webhook", examples: [{ ...WEBHOOK_EXAMPLE, token: "3q2-7wAAAAB1c2VyIHRva2VuIGV4YW1wbGUgb25seSBub3QgYSByZWFsIG9uZQ", url: "http://127.0.0.1:3000/api/v1/webhooks/1234567890123456800/3q2-7wAAAAB1c2VyIHRva2VuIGV4YW1wbGUgb25seSBub3QgYSByZWFsIG9uZQ" }] },
);

const name = CodePointString({ minLength: 1, maxLength: WEBHOOK_NAME_MAX, description: `1–${WEBHOOK_NAME_MAX} characters; not "clyde" or "discord" in any case` });
const avatar = t.Nullable(HttpUrlString(WEBHOOK_AVATAR_MAX, "an http(s) image URL, or null for none"));

export const CreateWebhookBody = t.Object({ name, avatar: t.Optional(avatar) }, { ...strict, examples: [{ name: "CI" }] });
export const UpdateWebhookBody = t.Object(
  { name: t.Optional(name), avatar: t.Optional(avatar), channel_id: t.Optional(SnowflakeString) },
  { ...strict, examples: [{ name: "Deploys" }] },
);
export const UpdateWebhookWithTokenBody = t.Object({ name: t.Optional(name), avatar: t.Optional(avatar) }, { ...strict, examples: [{ name: "Deploys" }] });

export const WebhookParams = t.Object({ id: SnowflakeString });
/** Tokens are 68 characters of base64url; anything that cannot be one is refused before the lookup. */
const Token = t.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9_-]+$", description: "the webhook's token" });
export const WebhookTokenParams = t.Object({ id: SnowflakeString, token: Token });
export const WebhookMessageParams = t.Object({ id: SnowflakeString, token: Token, message_id: SnowflakeString });

/** Discord takes `true`/`false`, and its libraries also send `1`/`0` (discord.py). */
const BooleanQuery = (description: string) => t.String({ pattern: "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$", description, examples: ["true"] });
export const isTrue = (value: string | undefined): boolean => value !== undefined && (value === "1" || value.toLowerCase() === "true");

export const ExecuteQuery = t.Object({
  wait: t.Optional(BooleanQuery("true: answer 200 with the message; else 204 once it is sent")),
  thread_id: t.Optional(annotated(SnowflakeString, { description: "post into this thread of the webhook's channel (an archived one is unarchived)" })),
  with_components: t.Optional(BooleanQuery("accepted and ignored: XCord has no components")),
});
export const WebhookMessageQuery = t.Object({
  thread_id: t.Optional(annotated(SnowflakeString, { description: "the thread of the webhook's channel the message is in" })),
  with_components: t.Optional(BooleanQuery("accepted and ignored: XCord has no components")),
});

/** A webhook in the API's shape; `publicUrl` builds the execute URL when the token is shown. */
export const toWebhookBody = (view: WebhookView, publicUrl: string): typeof WebhookBody.static => {
  const { webhook } = view;
  const user: UserPayload | undefined = view.creator ? userPayload(view.creator) : undefined;
  return {
    id: webhook.id,
    type: WebhookType.INCOMING,
    guild_id: webhook.guildId,
    channel_id: webhook.channelId,
    ...(user ? { user } : {}),
    name: webhook.name,
    avatar: webhook.avatar,
    application_id: null,
    ...(view.token !== undefined ? { token: view.token, url: `${publicUrl.replace(/\/$/, "")}/api/v1/webhooks/${webhook.id}/${view.token}` } : {}),
  };
};
