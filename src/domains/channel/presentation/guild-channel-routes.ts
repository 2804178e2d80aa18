import { t } from "elysia";
import { errorResponses, fails, guildFailures, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import { ChannelBody, ChannelParams, ChannelPositionsBody, CreateChannelBody, toChannelBody } from "./channel-schemas";

const tags = ["Channels"];

/** GET|POST|PATCH /guilds/{id}/channels. */
export const guildChannelRoutes = (deps: RouteDeps<ChannelUseCases>) => {
  const { useCases } = deps;
  const asBody = (channel: Parameters<typeof toChannelBody>[0]["channel"]) => toChannelBody({ channel, recipients: [] });
  return routeGroup(deps, { tags, security })
    .get("/guilds/:id/channels", async ({ caller, params }) => (await useCases.listGuildChannels(caller.userId, params.id)).map(asBody), {
      auth: true,
      params: ChannelParams,
      response: { 200: t.Array(ChannelBody), ...errorResponses({ auth: true }, ...guildFailures) },
      detail: { summary: "The guild's channels the caller can view, in display order", tags, security },
    })
    .post(
      "/guilds/:id/channels",
      async ({ caller, params, body, status }) =>
        status(
          201,
          asBody(
            await useCases.createChannel(caller.userId, params.id, {
              name: body.name,
              type: body.type ?? 0,
              parentId: body.parent_id,
              topic: body.topic,
              userLimit: body.user_limit,
              position: body.position,
              overwrites: body.permission_overwrites,
            }),
          ),
        ),
      {
        auth: true,
        params: ChannelParams,
        body: CreateChannelBody,
        response: { 201: ChannelBody, ...errorResponses({ auth: true }, lacks("MANAGE_CHANNELS", "MANAGE_ROLES with permission_overwrites"), ...guildFailures, fails("VALIDATION", "type is not 0, 2 or 4, the parent is not a category of the guild, or a field does not apply to the type"), fails("LIMIT_REACHED", "the guild has 500 channels")) },
        detail: { summary: "Create a text, voice or category channel (MANAGE_CHANNELS; at most 500 per guild)", tags, security },
      },
    )
    .patch(
      "/guilds/:id/channels",
      async ({ caller, params, body }) =>
        useCases
          .reorderChannels(caller.userId, params.id, body.map((move) => ({ id: move.id, position: move.position, parentId: move.parent_id })))
          .then(noContent),
      {
        auth: true,
        params: ChannelParams,
        body: ChannelPositionsBody,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_CHANNELS"), ...guildFailures, fails("UNKNOWN_CHANNEL", "an id is not a channel of the guild")) },
        detail: { summary: "Reorder channels and move them between categories ([{id, position, parent_id?}]; MANAGE_CHANNELS)", tags, security },
      },
    );
};
