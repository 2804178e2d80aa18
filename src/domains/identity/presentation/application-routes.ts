import { t } from "elysia";
import { fails } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { type RouteDeps, routesTagged } from "../../../shared/presentation/route-kit";
import type { IdentityUseCases } from "../application/identity-use-cases";
import {
  ApplicationBody,
  ApplicationIdParams,
  ApplicationParams,
  BotTokenBody,
  CreateApplicationBody,
  UpdateApplicationBody,
  toApplicationBody,
  toBotTokenBody,
} from "./application-schemas";

/** Per user, before RATE_LIMIT_SCALE: applications are made by hand, and tokens reset rarely. */
export const APPLICATION_CREATE_LIMIT: RateLimitRule = { bucket: "applications.create", limit: 5, periodMs: 60_000, by: "user" };
export const BOT_TOKEN_LIMIT: RateLimitRule = { bucket: "applications.bot", limit: 5, periodMs: 60_000, by: "user" };

const { group, route, limitedRoute } = routesTagged(["Applications"]);

const BOTS_FORBIDDEN = fails("BOTS_FORBIDDEN", "the caller is a bot account: only people manage applications");
const BOTS_ONLY = fails("BOTS_ONLY", "the caller is not a bot account");
const UNKNOWN_APPLICATION = fails("UNKNOWN_APPLICATION", "no application of the caller has this id");

/** /applications (an owner's), /applications/{id}/bot (its bot account and token), and the calling bot's own application. */
export const applicationRoutes = ({ useCases, ...deps }: RouteDeps<IdentityUseCases>) =>
  group(deps)
    .post(
      "/applications",
      async ({ caller, body, status }) => status(201, toApplicationBody(await useCases.createApplication(caller, body))),
      limitedRoute({
        summary: "Create an application owned by the caller (people only; 25 each, 5 per minute); it has no bot until POST /applications/{id}/bot",
        schemas: { body: CreateApplicationBody },
        ok: { 201: ApplicationBody },
        failures: [fails("VALIDATION", "the name is not 2–32 characters or the description over 400"), fails("LIMIT_REACHED", "the caller already owns 25 applications"), BOTS_FORBIDDEN],
        rateLimit: APPLICATION_CREATE_LIMIT,
      }),
    )
    .get(
      "/applications",
      async ({ caller }) => (await useCases.listApplications(caller)).map(toApplicationBody),
      route({ summary: "The caller's applications, oldest first (people only)", schemas: {}, ok: { 200: t.Array(ApplicationBody) }, failures: [BOTS_FORBIDDEN] }),
    )
    .get(
      "/applications/@me",
      async ({ caller }) => toApplicationBody(await useCases.currentApplication(caller)),
      route({ summary: "The calling bot's application (bot tokens only)", schemas: {}, ok: { 200: ApplicationBody }, failures: [BOTS_ONLY] }),
    )
    .get(
      "/oauth2/applications/@me",
      async ({ caller }) => toApplicationBody(await useCases.currentApplication(caller)),
      route({ summary: "The calling bot's application, where discord.py asks for it at login (bot tokens only)", schemas: {}, ok: { 200: ApplicationBody }, failures: [BOTS_ONLY] }),
    )
    .get(
      "/applications/:id",
      // `@me` here too: a client that percent-encodes every segment asks for /applications/%40me.
      async ({ caller, params }) =>
        toApplicationBody(await (params.id === "@me" ? useCases.currentApplication(caller) : useCases.getApplication(caller, params.id))),
      route({
        summary: "One of the caller's applications (its owner only); `@me` is the calling bot's",
        schemas: { params: ApplicationParams },
        ok: { 200: ApplicationBody },
        failures: [UNKNOWN_APPLICATION, BOTS_FORBIDDEN, BOTS_ONLY],
      }),
    )
    .patch(
      "/applications/:id",
      async ({ caller, params, body }) => toApplicationBody(await useCases.updateApplication(caller, params.id, body)),
      route({
        summary: "Change an application's name, description or privileged intent flags (its owner only); bots get the new flags at once",
        schemas: { params: ApplicationIdParams, body: UpdateApplicationBody },
        ok: { 200: ApplicationBody },
        failures: [fails("VALIDATION", "a field breaks its rule, or flags holds a bit other than the privileged intents"), UNKNOWN_APPLICATION, BOTS_FORBIDDEN],
      }),
    )
    .post(
      "/applications/:id/bot",
      async ({ caller, params, status }) => status(201, toBotTokenBody(await useCases.createBot(caller, params.id))),
      limitedRoute({
        summary: "Create the application's bot account and its token, shown only now (its owner only; 5 per minute)",
        schemas: { params: ApplicationIdParams },
        ok: { 201: BotTokenBody },
        failures: [fails("CONFLICT", "the application already has a bot"), UNKNOWN_APPLICATION, BOTS_FORBIDDEN],
        rateLimit: BOT_TOKEN_LIMIT,
      }),
    )
    .post(
      "/applications/:id/bot/reset",
      async ({ caller, params }) => toBotTokenBody(await useCases.resetBotToken(caller, params.id)),
      limitedRoute({
        summary: "Replace the bot's token: the old one stops working at once on REST and every gateway (its owner only; 5 per minute)",
        schemas: { params: ApplicationIdParams },
        ok: { 200: BotTokenBody },
        failures: [fails("VALIDATION", "the application has no bot yet"), UNKNOWN_APPLICATION, BOTS_FORBIDDEN],
        rateLimit: BOT_TOKEN_LIMIT,
      }),
    );
