import { auditReason } from "../../../shared/presentation/audit-reason";
import { t } from "elysia";
import { fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import { ChannelBody, ChannelParams, ChannelPositionsBody, CreateChannelBody, forumSettingsOf, toChannelBody } from "./channel-schemas";

const { group, route } = routesTagged(["Channels"]);

/** GET|POST|PATCH /guilds/{id}/channels. */
export const guildChannelRoutes = ({ useCases, ...deps }: RouteDeps<ChannelUseCases>) => {
  const asBody = (channel: Parameters<typeof toChannelBody>[0]["channel"]) => toChannelBody({ channel, recipients: [] });
  return group(deps)
    .get(
      "/guilds/:id/channels",
      async ({ caller, params }) => (await useCases.listGuildChannels(caller.userId, params.id)).map(asBody),
      route({ summary: "The guild's channels the caller can view, in display order", schemas: { params: ChannelParams }, ok: { 200: t.Array(ChannelBody) }, failures: guildFailures }),
    )
    .post(
      "/guilds/:id/channels",
      async ({ caller, params, body, status, request }) =>
        status(
          201,
          asBody(
            await useCases.createChannel(caller.userId, params.id, {
              name: body.name,
              type: body.type ?? 0,
              parentId: body.parent_id,
              topic: body.topic,
              userLimit: body.user_limit,
              videoQualityMode: body.video_quality_mode,
              rateLimitPerUser: body.rate_limit_per_user,
              position: body.position,
              overwrites: body.permission_overwrites,
              ...forumSettingsOf(body),
              flags: body.flags,
            }, auditReason(request)),
          ),
        ),
      route({ summary: "Create a text, voice, forum or category channel (MANAGE_CHANNELS; at most 500 per guild)", schemas: { params: ChannelParams, body: CreateChannelBody }, ok: { 201: ChannelBody }, failures: [lacks("MANAGE_CHANNELS", "MANAGE_ROLES with permission_overwrites"), ...guildFailures, fails("VALIDATION", "type is not 0, 2, 4 or 15, the parent is not a category of the guild, a field does not apply to the type, or a forum tag or emoji is invalid"), fails("LIMIT_REACHED", "the guild has 500 channels")] }),
    )
    .patch(
      "/guilds/:id/channels",
      async ({ caller, params, body }) =>
        useCases
          .reorderChannels(caller.userId, params.id, body.map((move) => ({ id: move.id, position: move.position, parentId: move.parent_id })))
          .then(noContent),
      route({ summary: "Reorder channels and move them between categories ([{id, position, parent_id?}]; MANAGE_CHANNELS)", schemas: { params: ChannelParams, body: ChannelPositionsBody }, ok: { 204: NoContent }, failures: [lacks("MANAGE_CHANNELS"), ...guildFailures, fails("UNKNOWN_CHANNEL", "an id is not a channel of the guild")] }),
    );
};
