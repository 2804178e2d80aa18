import { errorResponses, fails, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routeGroup, security } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import {
  ChannelBody,
  ChannelParams,
  OverwriteParams,
  PutOverwriteBody,
  UpdateChannelBody,
  channelFailures,
  toChannelBody,
} from "./channel-schemas";

const tags = ["Channels"];

/** GET|PATCH|DELETE /channels/{id} and PUT|DELETE /channels/{id}/permissions/{overwrite_id}. */
export const channelRoutes = (deps: RouteDeps<ChannelUseCases>) => {
  const { useCases } = deps;
  return routeGroup(deps, { tags, security })
    .get("/channels/:id", async ({ caller, params }) => toChannelBody(await useCases.getChannel(caller.userId, params.id)), {
      auth: true,
      params: ChannelParams,
      response: { 200: ChannelBody, ...errorResponses({ auth: true }, ...channelFailures) },
      detail: { summary: "A channel the caller can view (a guild channel with VIEW_CHANNEL, or their DM)", tags, security },
    })
    .patch(
      "/channels/:id",
      async ({ caller, params, body }) =>
        toChannelBody({
          channel: await useCases.updateChannel(caller.userId, params.id, {
            name: body.name,
            topic: body.topic,
            userLimit: body.user_limit,
            position: body.position,
            parentId: body.parent_id,
            overwrites: body.permission_overwrites,
          }),
          recipients: [],
        }),
      {
        auth: true,
        params: ChannelParams,
        body: UpdateChannelBody,
        response: { 200: ChannelBody, ...errorResponses({ auth: true }, lacks("MANAGE_CHANNELS", "MANAGE_ROLES with permission_overwrites"), ...channelFailures, fails("VALIDATION", "a field does not apply to the channel (a DM, a topic on a voice channel, a parent that is not a category)")) },
        detail: { summary: "Edit a guild channel (MANAGE_CHANNELS; permission_overwrites also MANAGE_ROLES)", tags, security },
      },
    )
    .delete(
      "/channels/:id",
      async ({ caller, params }) => toChannelBody({ channel: await useCases.deleteChannel(caller.userId, params.id), recipients: [] }),
      {
        auth: true,
        params: ChannelParams,
        response: { 200: ChannelBody, ...errorResponses({ auth: true }, lacks("MANAGE_CHANNELS"), ...channelFailures) },
        detail: { summary: "Delete a guild channel and answer it (MANAGE_CHANNELS); a category's channels lose their parent", tags, security },
      },
    )
    .put(
      "/channels/:id/permissions/:overwrite_id",
      async ({ caller, params, body }) => useCases.putOverwrite(caller.userId, params.id, params.overwrite_id, body).then(noContent),
      {
        auth: true,
        params: OverwriteParams,
        body: PutOverwriteBody,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES"), ...channelFailures, fails("VALIDATION", "the id is not a role (type 0) or member (type 1) of the guild")) },
        detail: { summary: "Set the channel's overwrite for a role (type 0) or member (type 1) of its guild (MANAGE_ROLES)", tags, security },
      },
    )
    .delete(
      "/channels/:id/permissions/:overwrite_id",
      async ({ caller, params }) => useCases.deleteOverwrite(caller.userId, params.id, params.overwrite_id).then(noContent),
      {
        auth: true,
        params: OverwriteParams,
        response: { 204: NoContent, ...errorResponses({ auth: true }, lacks("MANAGE_ROLES"), ...channelFailures) },
        detail: { summary: "Remove the channel's overwrite for a role or member (MANAGE_ROLES)", tags, security },
      },
    );
};
