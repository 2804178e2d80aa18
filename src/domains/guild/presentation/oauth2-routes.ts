import { t } from "elysia";
import { invalidField } from "../../../shared/kernel/domain-error";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import { IntegerInput, PermissionBitfield, SnowflakeString, annotated } from "../../../shared/presentation/schema-types";
import type { authorizeBot } from "../application/authorize-bot";

const strict = { additionalProperties: false } as const;

/** The query of Discord's bot authorization link, as its web page posts it back. */
export const AuthorizeQuery = t.Object(
  {
    client_id: annotated(SnowflakeString, { description: "the application whose bot to add" }),
    scope: t.String({ maxLength: 200, description: "space-separated scopes; must include `bot` (others are ignored)" }),
    permissions: t.Optional(annotated(PermissionBitfield, { description: "the managed role's permissions when the body has none" })),
    guild_id: t.Optional(SnowflakeString),
    response_type: t.Optional(t.String({ maxLength: 64, description: "ignored" })),
    redirect_uri: t.Optional(t.String({ maxLength: 512, description: "ignored" })),
    state: t.Optional(t.String({ maxLength: 512, description: "ignored" })),
    disable_guild_select: t.Optional(t.String({ maxLength: 5, description: "ignored" })),
    integration_type: t.Optional(t.String({ maxLength: 1, description: "ignored" })),
  },
  { examples: [{ client_id: "1234567890123456709", scope: "bot", permissions: "3072" }] },
);

export const AuthorizeBody = t.Object(
  {
    guild_id: annotated(SnowflakeString, { description: "the guild to add the bot to (the caller needs MANAGE_GUILD there)" }),
    permissions: t.Optional(annotated(PermissionBitfield, { description: "the managed role's permissions; wins over the query's; only bits the caller holds" })),
    authorize: t.Boolean({ description: "false declines: nothing happens and the location carries error=access_denied" }),
    integration_type: t.Optional(IntegerInput({ minimum: 0, maximum: 1, description: "ignored (0, guild install, is the only kind)" })),
  },
  { ...strict, examples: [{ guild_id: "1234567890123456789", permissions: "3072", authorize: true }] },
);

export const AuthorizeResultBody = t.Object(
  { location: t.String({ description: "where Discord's web flow sends the browser next; XCord serves no such page" }) },
  { title: "AuthorizeResult", examples: [{ location: "/oauth2/authorized" }] },
);

const { group, route } = routesTagged(["Applications"]);

/** POST /oauth2/authorize: add an application's bot to a guild, as Discord's bot authorization page does. */
export const oauth2Routes = ({ useCases, ...deps }: RouteDeps<{ readonly authorizeBot: ReturnType<typeof authorizeBot> }>) =>
  group(deps).post(
    "/oauth2/authorize",
    async ({ caller, query, body }) => {
      if (!query.scope.split(/[ +]/).includes("bot")) throw invalidField("scope", "Only the bot scope is supported.");
      if (!body.authorize) return { location: "/oauth2/authorized?error=access_denied" };
      await useCases.authorizeBot(caller, { applicationId: query.client_id, guildId: body.guild_id, permissions: body.permissions ?? query.permissions });
      return { location: "/oauth2/authorized" };
    },
    route({
      summary: "Add an application's bot to a guild with a managed role holding `permissions` (MANAGE_GUILD; only bits the caller holds); a bot already there gets the role's permissions changed",
      schemas: { query: AuthorizeQuery, body: AuthorizeBody },
      ok: { 200: AuthorizeResultBody },
      failures: [
        fails("VALIDATION", "the scope lacks `bot`, or the application has no bot yet"),
        lacks("MANAGE_GUILD", "a permission given to the bot"),
        fails("MISSING_PERMISSIONS", "the bot is banned from the guild"),
        fails("UNKNOWN_APPLICATION", "no application has this client_id"),
        fails("BOTS_FORBIDDEN", "the caller is a bot account"),
        fails("LIMIT_REACHED", "the guild already has 250 roles"),
        ...guildFailures,
      ],
    }),
  );
