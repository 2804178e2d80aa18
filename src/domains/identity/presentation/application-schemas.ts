import { t } from "elysia";
import { userPayload } from "../../../shared/kernel/users";
import { IntegerInput, ResponseInteger, SnowflakeString } from "../../../shared/presentation/schema-types";
import { APPLICATION_DESCRIPTION_MAX, APPLICATION_NAME_MAX, APPLICATION_NAME_MIN, SETTABLE_APPLICATION_FLAGS } from "../domain/application";
import type { ApplicationView } from "../application/applications";
import type { BotGrant } from "../application/bot-accounts";
import { UserBody } from "./identity-schemas";

const strict = { additionalProperties: false } as const;

export const CreateApplicationBody = t.Object(
  {
    name: t.String({ description: `${APPLICATION_NAME_MIN}–${APPLICATION_NAME_MAX} characters`, minLength: 1, maxLength: 128 }),
    description: t.Optional(t.String({ description: `at most ${APPLICATION_DESCRIPTION_MAX} characters`, maxLength: 1024 })),
  },
  { ...strict, examples: [{ name: "Weather Bot", description: "Forecasts on demand" }] },
);

export const UpdateApplicationBody = t.Object(
  {
    name: t.Optional(t.String({ description: `${APPLICATION_NAME_MIN}–${APPLICATION_NAME_MAX} characters`, minLength: 1, maxLength: 128 })),
    description: t.Optional(t.String({ description: `at most ${APPLICATION_DESCRIPTION_MAX} characters`, maxLength: 1024 })),
    flags: t.Optional(
      IntegerInput({
        minimum: 0,
        maximum: SETTABLE_APPLICATION_FLAGS,
        description: `only the privileged intent bits (${SETTABLE_APPLICATION_FLAGS}): GATEWAY_PRESENCE 1<<12, GATEWAY_PRESENCE_LIMITED 1<<13, GATEWAY_GUILD_MEMBERS 1<<14, GATEWAY_GUILD_MEMBERS_LIMITED 1<<15, GATEWAY_MESSAGE_CONTENT 1<<18, GATEWAY_MESSAGE_CONTENT_LIMITED 1<<19`,
      }),
    ),
  },
  { ...strict, examples: [{ flags: (1 << 14) | (1 << 18) }] },
);

/** An application id, or `@me` (also percent-encoded) for the calling bot's own. */
export const ApplicationParams = t.Object({ id: t.Union([SnowflakeString, t.Literal("@me")]) });
export const ApplicationIdParams = t.Object({ id: SnowflakeString });

const BOT_EXAMPLE = {
  id: "1234567890123456710",
  username: "weather_bot",
  display_name: null,
  discriminator: "0",
  global_name: null,
  avatar: null,
  bot: true,
  created_at: "2025-01-01T12:00:00.000Z",
};

export const ApplicationBody = t.Object(
  {
    id: SnowflakeString,
    name: t.String(),
    icon: t.Null({ description: "always null: XCord has no application icons" }),
    description: t.String(),
    summary: t.String({ description: "Discord's deprecated field: always empty" }),
    rpc_origins: t.Array(t.String(), { description: "always empty" }),
    redirect_uris: t.Array(t.String(), { description: "always empty" }),
    bot_public: t.Boolean({ description: "always true: anyone with MANAGE_GUILD may add the bot" }),
    bot_require_code_grant: t.Boolean({ description: "always false" }),
    verify_key: t.String({ description: "a random hex key (XCord signs no interactions)" }),
    flags: ResponseInteger({ description: "the privileged intent bits the owner enabled" }),
    owner: UserBody,
    team: t.Null(),
    interactions_endpoint_url: t.Null(),
    bot: t.Optional(UserBody),
  },
  {
    title: "Application",
    examples: [
      {
        id: "1234567890123456709",
        name: "Weather Bot",
        icon: null,
        description: "Forecasts on demand",
        summary: "",
        rpc_origins: [],
        redirect_uris: [],
        bot_public: true,
        bot_require_code_grant: false,
        verify_key: "9f2c…",
        flags: 16384,
        owner: { ...BOT_EXAMPLE, id: "1234567890123456700", username: "alice", bot: false },
        team: null,
        interactions_endpoint_url: null,
        bot: BOT_EXAMPLE,
      },
    ],
  },
);

export const BotTokenBody = t.Object(
  {
    token: t.String({ description: "the bot token, shown only now; send it as `Authorization: Bot <token>`" }),
    user: UserBody,
  },
  { title: "BotToken", examples: [{ token: "MTIzNDU2Nzg5MDEyMzQ1NjcxMA.MTIzNDU2Nzg5MDEyMzQ1NjcxMQ.q8Jb2mXv0cR4tY6uW9zA1sD3fG5hK7lPq8Jb2mXv0cR", user: BOT_EXAMPLE }] },
);

export const toApplicationBody = (view: ApplicationView): typeof ApplicationBody.static => ({
  id: view.application.id,
  name: view.application.name,
  icon: null,
  description: view.application.description,
  summary: "",
  rpc_origins: [],
  redirect_uris: [],
  bot_public: true,
  bot_require_code_grant: false,
  verify_key: view.application.verifyKey,
  flags: view.application.flags,
  owner: userPayload(view.owner),
  team: null,
  interactions_endpoint_url: null,
  ...(view.bot ? { bot: userPayload(view.bot) } : {}),
});

export const toBotTokenBody = (grant: BotGrant): typeof BotTokenBody.static => ({ token: grant.token, user: userPayload(grant.user) });
