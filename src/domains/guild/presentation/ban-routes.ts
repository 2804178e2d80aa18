import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { MemberParams, GuildParams } from "./guild-schemas";
import { BanBody, CreateBanBody, toBanBody } from "./member-schemas";

const { group, route } = routesTagged(["Guilds"]);

/** /guilds/{id}/bans[/{user_id}]. */
export const banRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return group(deps)
    .get(
      "/guilds/:id/bans",
      async ({ caller, params }) => (await useCases.listBans(caller.userId, params.id)).map(toBanBody),
      route({ summary: "A guild's bans (BAN_MEMBERS)", schemas: { params: GuildParams }, ok: { 200: t.Array(BanBody) }, failures: [lacks("BAN_MEMBERS"), ...guildFailures] }),
    )
    .put(
      "/guilds/:id/bans/:user_id",
      async ({ caller, params, body, request }) =>
        useCases
          .banUser(caller.userId, params.id, params.user_id, { deleteMessageSeconds: body?.delete_message_seconds ?? (body?.delete_message_days === undefined ? undefined : body.delete_message_days * 86_400), reason: body?.reason }, auditReason(request))
          .then(noContent),
      route({ summary: "Ban a user; a member must rank below the caller and is removed (BAN_MEMBERS)", schemas: { params: MemberParams, body: t.Optional(CreateBanBody) }, ok: { 204: NoContent }, failures: [lacks("BAN_MEMBERS", "the member is not below the caller's highest role"), ...guildFailures, fails("UNKNOWN_USER", "no such user")] }),
    )
    .delete(
      "/guilds/:id/bans/:user_id",
      async ({ caller, params, request }) => useCases.unbanUser(caller.userId, params.id, params.user_id, auditReason(request)).then(noContent),
      route({ summary: "Lift a ban (BAN_MEMBERS)", schemas: { params: MemberParams }, ok: { 204: NoContent }, failures: [lacks("BAN_MEMBERS"), ...guildFailures, fails("NOT_FOUND", "Unknown Ban: the user is not banned")] }),
    );
};
