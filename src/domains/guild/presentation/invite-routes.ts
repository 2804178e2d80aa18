import { auditReason } from "../../../shared/presentation/audit-reason";
import { Elysia, t } from "elysia";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import type { RateLimitRule } from "../../../shared/presentation/rate-limit";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { GuildUseCases } from "../application/guild-use-cases";
import { ChannelParams, channelFailures } from "../../channel";
import { GuildBody, GuildParams, TOO_MANY_GUILDS, toGuildBody } from "./guild-schemas";
import { CreateInviteBody, InviteBody, InviteParams, InvitePreviewBody, UNKNOWN_INVITE } from "./invite-schemas";

/** Per user, before RATE_LIMIT_SCALE: enough to hand out invites by hand, too few to mint them in bulk. */
export const INVITE_CREATE_LIMIT: RateLimitRule = { bucket: "invites.create", limit: 10, periodMs: 60_000, by: "user" };

const tags = ["Guilds"];
const { route, limitedRoute } = routesTagged(tags);

/** POST /channels/{id}/invites, /invites/{code} (preview without login, join, revoke) and GET /guilds/{id}/invites. */
export const inviteRoutes = ({ useCases, ...deps }: RouteDeps<GuildUseCases>) => {
  return new Elysia({ detail: { tags } })
    .use(deps.rateLimits)
    .use(deps.auth)
    .post(
      "/channels/:id/invites",
      async ({ caller, params, body, status, request }) =>
        status(201, await useCases.createInvite(caller.userId, params.id, { maxAge: body?.max_age, maxUses: body?.max_uses }, auditReason(request))),
      limitedRoute({ summary: "Create an invite to the channel's guild (CREATE_INSTANT_INVITE; 10 per minute)", schemas: { params: ChannelParams, body: t.Optional(CreateInviteBody) }, ok: { 201: InviteBody }, failures: [lacks("CREATE_INSTANT_INVITE"), ...channelFailures, fails("CONFLICT", "no free invite code could be drawn; try again")], rateLimit: INVITE_CREATE_LIMIT }),
    )
    .get("/invites/:code", async ({ params }) => useCases.previewInvite(params.code), {
      params: InviteParams,
      response: { 200: InvitePreviewBody, ...errorResponses({ auth: false }, UNKNOWN_INVITE) },
      detail: { summary: "Preview an invite: guild, channel, inviter, uses and member count (no login needed)", tags },
    })
    .post(
      "/invites/:code",
      async ({ caller, params }) => toGuildBody(await useCases.joinGuild(caller.userId, params.code)),
      route({ summary: "Join the invite's guild (idempotent for members; banned users are refused)", schemas: { params: InviteParams }, ok: { 200: GuildBody }, failures: [fails("MISSING_PERMISSIONS", "the caller is banned from the guild"), fails("BOTS_FORBIDDEN", "the caller is a bot account: bots are added with POST /oauth2/authorize"), UNKNOWN_INVITE, TOO_MANY_GUILDS] }),
    )
    .delete(
      "/invites/:code",
      async ({ caller, params, request }) => useCases.deleteInvite(caller.userId, params.code, auditReason(request)).then(noContent),
      route({ summary: "Revoke an invite (its inviter, or MANAGE_GUILD)", schemas: { params: InviteParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_GUILD (unless the caller created the invite)"), fails("MISSING_ACCESS", "the caller is not a member of the guild"), UNKNOWN_INVITE] }),
    )
    .get("/guilds/:id/invites", async ({ caller, params }) => useCases.listInvites(caller.userId, params.id), route({ summary: "A guild's working invites (MANAGE_GUILD)", schemas: { params: GuildParams }, ok: { 200: t.Array(InviteBody) }, failures: [lacks("MANAGE_GUILD"), ...guildFailures] }));
};
