import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { CreateGuildBody, GuildBody, GuildMfaBody, GuildParams, PartialGuildBody, UpdateGuildBody, TOO_MANY_GUILDS, UNKNOWN_MEMBER, toGuildBody, toPartialGuildBody } from "./guild-schemas";

const { group, route } = routesTagged(["Guilds"]);

/** POST /guilds, GET|PATCH|DELETE /guilds/{id}, GET /users/@me/guilds and DELETE /users/@me/guilds/{id}. */
export const guildRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return group(deps)
    .post(
      "/guilds",
      async ({ caller, body, status }) => status(201, toGuildBody(await useCases.createGuild(caller.userId, body))),
      route({ summary: "Create a guild with @everyone, #general and a General voice channel; the caller owns it", schemas: { body: CreateGuildBody }, ok: { 201: GuildBody }, failures: [TOO_MANY_GUILDS] }),
    )
    .get(
      "/guilds/:id",
      async ({ caller, params }) => toGuildBody(await useCases.getGuild(caller.userId, params.id)),
      route({ summary: "A guild with its roles and the channels the caller can view (members only)", schemas: { params: GuildParams }, ok: { 200: GuildBody }, failures: guildFailures }),
    )
    .patch(
      "/guilds/:id",
      async ({ caller, params, body, request }) =>
        toGuildBody(await useCases.updateGuild(caller.userId, params.id, { name: body.name, icon: body.icon, ownerId: body.owner_id }, auditReason(request))),
      route({ summary: "Rename a guild, change its icon or transfer it (MANAGE_GUILD; owner_id by the owner only)", schemas: { params: GuildParams, body: UpdateGuildBody }, ok: { 200: GuildBody }, failures: [lacks("MANAGE_GUILD", "owner_id: not the owner"), ...guildFailures, UNKNOWN_MEMBER] }),
    )
    .post(
      "/guilds/:id/mfa",
      async ({ caller, params, body, request }) => ({ level: await useCases.setGuildMfaLevel(caller.userId, params.id, body.level, auditReason(request)) }),
      route({
        summary: "Set the guild's MFA level: 1 (elevated) takes the moderation permissions from members without two-factor login (owner only, who must have two-factor login)",
        schemas: { params: GuildParams, body: GuildMfaBody },
        ok: { 200: GuildMfaBody },
        failures: [fails("MISSING_PERMISSIONS", "the caller does not own the guild"), fails("TWO_FACTOR_REQUIRED", "the owner has no two-factor login"), ...guildFailures],
      }),
    )
    .delete(
      "/guilds/:id",
      async ({ caller, params }) => useCases.deleteGuild(caller.userId, params.id).then(noContent),
      route({ summary: "Delete a guild and everything in it (owner only)", schemas: { params: GuildParams }, ok: { 204: NoContent }, failures: [fails("MISSING_PERMISSIONS", "the caller does not own the guild"), ...guildFailures] }),
    )
    .get(
      "/users/@me/guilds",
      async ({ caller }) => (await useCases.listMyGuilds(caller.userId)).map((guild) => toPartialGuildBody(guild, caller.userId)),
      route({ summary: "The guilds the caller is a member of, oldest first", schemas: {}, ok: { 200: t.Array(PartialGuildBody) } }),
    )
    .delete(
      "/users/@me/guilds/:id",
      async ({ caller, params }) => useCases.leaveGuild(caller.userId, params.id).then(noContent),
      route({ summary: "Leave a guild (the owner cannot)", schemas: { params: GuildParams }, ok: { 204: NoContent }, failures: [fails("VALIDATION", "the owner cannot leave: transfer ownership or delete the guild"), ...guildFailures] }),
    );
};
