import { Elysia, t } from "elysia";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, security } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { ChannelParams, channelFailures } from "../../channel";
import { GuildBody, GuildParams, TOO_MANY_GUILDS, toGuildBody } from "./guild-schemas";
import { CreateInviteBody, InviteBody, InviteParams, InvitePreviewBody, UNKNOWN_INVITE } from "./invite-schemas";

/** Per user, before RATE_LIMIT_SCALE: enough to hand out invites by hand, too few to mint them in bulk. */
export const INVITE_CREATE_LIMIT: RateLimitRule = { bucket: "invites.create", limit: 10, periodMs: 60_000, by: "user" };

const tags = ["Guilds"];

/** POST /channels/{id}/invites, /invites/{code} (preview without login, join, revoke) and GET /guilds/{id}/invites. */
export const inviteRoutes = (deps: RouteDeps<GuildUseCases>) => {
  const { useCases } = deps;
  return new Elysia({ detail: { tags } })
    .use(deps.rateLimits)
    .use(deps.auth)
    .post(
      "/channels/:id/invites",
      async ({ caller, params, body, status }) =>
        status(201, await useCases.createInvite(caller.userId, params.id, { maxAge: body?.max_age, maxUses: body?.max_uses })),
      {
        auth: true,
        rateLimit: INVITE_CREATE_LIMIT,
        params: ChannelParams,
        body: t.Optional(CreateInviteBody),
        response: { 201: InviteBody, ...errorResponses({ auth: true, rateLimit: INVITE_CREATE_LIMIT }, lacks("CREATE_INSTANT_INVITE"), ...channelFailures, fails("CONFLICT", "no free invite code could be drawn; try again")) },
        detail: { summary: "Create an invite to the channel's guild (CREATE_INSTANT_INVITE; 10 per minute)", tags, security },
      },
    )
    .get("/invites/:code", async ({ params }) => useCases.previewInvite(params.code), {
      params: InviteParams,
      response: { 200: InvitePreviewBody, ...errorResponses({ auth: false }, UNKNOWN_INVITE) },
      detail: { summary: "Preview an invite: guild, channel, inviter, uses and member count (no login needed)", tags },
    })
    .post("/invites/:code", async ({ caller, params }) => toGuildBody(await useCases.joinGuild(caller.userId, params.code)), {
      auth: true,
      params: InviteParams,
      response: { 200: GuildBody, ...errorResponses({ auth: true }, fails("MISSING_PERMISSIONS", "the caller is banned from the guild"), UNKNOWN_INVITE, TOO_MANY_GUILDS) },
      detail: { summary: "Join the invite's guild (idempotent for members; banned users are refused)", tags, security },
    })
    .delete(
      "/invites/:code",
      async ({ caller, params }) => useCases.deleteInvite(caller.userId, params.code).then(noContent),
      {
        auth: true,
        params: InviteParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_GUILD (unless the caller created the invite)"), fails("MISSING_ACCESS", "the caller is not a member of the guild"), UNKNOWN_INVITE) },
        detail: { summary: "Revoke an invite (its inviter, or MANAGE_GUILD)", tags, security },
      },
    )
    .get("/guilds/:id/invites", async ({ caller, params }) => useCases.listInvites(caller.userId, params.id), {
      auth: true,
      params: GuildParams,
      response: { 200: t.Array(InviteBody), ...errorResponses({ auth: true }, lacks("MANAGE_GUILD"), ...guildFailures) },
      detail: { summary: "A guild's working invites (MANAGE_GUILD)", tags, security },
    });
};
