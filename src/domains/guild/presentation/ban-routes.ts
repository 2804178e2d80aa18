import { t } from "elysia";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { MemberParams, GuildParams } from "./guild-schemas";
import { BanBody, CreateBanBody, toBanBody } from "./member-schemas";

const tags = ["Guilds"];

/** /guilds/{id}/bans[/{user_id}]. */
export const banRoutes = (deps: RouteDeps<GuildUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get("/guilds/:id/bans", async ({ caller, params }) => (await useCases.listBans(caller.userId, params.id)).map(toBanBody), {
      auth: true,
      params: GuildParams,
      response: { 200: t.Array(BanBody), ...errorResponses({ auth: true }, lacks("BAN_MEMBERS"), ...guildFailures) },
      detail: { summary: "A guild's bans (BAN_MEMBERS)", tags, security },
    })
    .put(
      "/guilds/:id/bans/:user_id",
      async ({ caller, params, body }) =>
        useCases
          .banUser(caller.userId, params.id, params.user_id, { deleteMessageSeconds: body?.delete_message_seconds, reason: body?.reason })
          .then(noContent),
      {
        auth: true,
        params: MemberParams,
        body: t.Optional(CreateBanBody),
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("BAN_MEMBERS", "the member is not below the caller's highest role"), ...guildFailures, fails("UNKNOWN_USER", "no such user")) },
        detail: { summary: "Ban a user; a member must rank below the caller and is removed (BAN_MEMBERS)", tags, security },
      },
    )
    .delete(
      "/guilds/:id/bans/:user_id",
      async ({ caller, params }) => useCases.unbanUser(caller.userId, params.id, params.user_id).then(noContent),
      {
        auth: true,
        params: MemberParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("BAN_MEMBERS"), ...guildFailures, fails("NOT_FOUND", "Unknown Ban: the user is not banned")) },
        detail: { summary: "Lift a ban (BAN_MEMBERS)", tags, security },
      },
    );
};
