import { Elysia, t } from "elysia";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import type { GuildUseCases } from "./guild-module";
import { MemberParams, GuildParams, NoContent, guildErrors, security } from "./guild-schemas";
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
      response: { 200: t.Array(BanBody), ...guildErrors },
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
        response: { 204: NoContent, ...guildErrors },
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
        response: { 204: NoContent, ...guildErrors },
        detail: { summary: "Lift a ban (BAN_MEMBERS)", tags, security },
      },
    );
};
