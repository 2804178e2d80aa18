import { t } from "elysia";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { CreateGuildBody, GuildBody, GuildParams, PartialGuildBody, UpdateGuildBody, TOO_MANY_GUILDS, UNKNOWN_MEMBER, toGuildBody, toPartialGuildBody } from "./guild-schemas";

const tags = ["Guilds"];

/** POST /guilds, GET|PATCH|DELETE /guilds/{id}, GET /users/@me/guilds and DELETE /users/@me/guilds/{id}. */
export const guildRoutes = (deps: RouteDeps<GuildUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .post("/guilds", async ({ caller, body, status }) => status(201, toGuildBody(await useCases.createGuild(caller.userId, body))), {
      auth: true,
      body: CreateGuildBody,
      response: { 201: GuildBody, ...errorResponses({ auth: true }, TOO_MANY_GUILDS) },
      detail: { summary: "Create a guild with @everyone, #general and a General voice channel; the caller owns it", tags, security },
    })
    .get("/guilds/:id", async ({ caller, params }) => toGuildBody(await useCases.getGuild(caller.userId, params.id)), {
      auth: true,
      params: GuildParams,
      response: { 200: GuildBody, ...errorResponses({ auth: true }, ...guildFailures) },
      detail: { summary: "A guild with its roles and the channels the caller can view (members only)", tags, security },
    })
    .patch(
      "/guilds/:id",
      async ({ caller, params, body }) =>
        toGuildBody(await useCases.updateGuild(caller.userId, params.id, { name: body.name, icon: body.icon, ownerId: body.owner_id })),
      {
        auth: true,
        params: GuildParams,
        body: UpdateGuildBody,
        response: { 200: GuildBody, ...errorResponses({ auth: true }, lacks("MANAGE_GUILD", "owner_id: not the owner"), ...guildFailures, UNKNOWN_MEMBER) },
        detail: { summary: "Rename a guild, change its icon or transfer it (MANAGE_GUILD; owner_id by the owner only)", tags, security },
      },
    )
    .delete(
      "/guilds/:id",
      async ({ caller, params }) => useCases.deleteGuild(caller.userId, params.id).then(noContent),
      {
        auth: true,
        params: GuildParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, fails("MISSING_PERMISSIONS", "the caller does not own the guild"), ...guildFailures) },
        detail: { summary: "Delete a guild and everything in it (owner only)", tags, security },
      },
    )
    .get(
      "/users/@me/guilds",
      async ({ caller }) => (await useCases.listMyGuilds(caller.userId)).map((guild) => toPartialGuildBody(guild, caller.userId)),
      {
        auth: true,
        response: { 200: t.Array(PartialGuildBody), ...errorResponses({ auth: true }) },
        detail: { summary: "The guilds the caller is a member of, oldest first", tags, security },
      },
    )
    .delete(
      "/users/@me/guilds/:id",
      async ({ caller, params }) => useCases.leaveGuild(caller.userId, params.id).then(noContent),
      {
        auth: true,
        params: GuildParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, fails("VALIDATION", "the owner cannot leave: transfer ownership or delete the guild"), ...guildFailures) },
        detail: { summary: "Leave a guild (the owner cannot)", tags, security },
      },
    );
};
