import { Elysia, t } from "elysia";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import type { GuildUseCases } from "./guild-module";
import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
import { MemberParams, GuildParams, NoContent, guildFailures, security } from "./guild-schemas";
import { BanBody, CreateBanBody, toBanBody } from "./member-schemas";

const tags = ["Guilds"];

/** /guilds/{id}/bans[/{user_id}]. */
export const banRoutes = (deps: { readonly useCases: GuildUseCases; readonly auth: AuthPlugin }) => {
  const { useCases } = deps;
  return new Elysia({ detail: { tags, security } })
    .use(deps.auth)
    .get("/guilds/:id/bans", async ({ caller, params }) => (await useCases.listBans(caller.userId, params.id)).map(toBanBody), {
      auth: true,
      params: GuildParams,
      response: { 200: t.Array(BanBody), ...errorResponses({ auth: true }, lacks("BAN_MEMBERS"), ...guildFailures) },
      detail: { summary: "A guild's bans (BAN_MEMBERS)", tags, security },
    })
    .put(
      "/guilds/:id/bans/:user_id",
      async ({ caller, params, body, status }) => {
        await useCases.banUser(caller.userId, params.id, params.user_id, {
          deleteMessageSeconds: body?.delete_message_seconds,
          reason: body?.reason,
        });
        return status(204, undefined);
      },
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
      async ({ caller, params, status }) => {
        await useCases.unbanUser(caller.userId, params.id, params.user_id);
        return status(204, undefined);
      },
      {
        auth: true,
        params: MemberParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("BAN_MEMBERS"), ...guildFailures, fails("NOT_FOUND", "Unknown Ban: the user is not banned")) },
        detail: { summary: "Lift a ban (BAN_MEMBERS)", tags, security },
      },
    );
};
