import { auditReason } from "../../../shared/presentation/audit-reason";
import { fails, lacks } from "../../../shared/presentation/error-schemas";
import { NoContent, type RouteDeps, noContent, routesTagged } from "../../../shared/presentation/route-kit";
import type { ChannelUseCases } from "../application/channel-use-cases";
import {
  ChannelBody,
  ChannelParams,
  OverwriteParams,
  PutOverwriteBody,
  UpdateChannelBody,
  channelFailures,
  forumSettingsOf,
  toChannelBody,
} from "./channel-schemas";

const { group, route } = routesTagged(["Channels"]);

/** GET|PATCH|DELETE /channels/{id} and PUT|DELETE /channels/{id}/permissions/{overwrite_id}. */
export const channelRoutes = ({ useCases, ...deps }: RouteDeps<ChannelUseCases>) => {
  return group(deps)
    .get(
      "/channels/:id",
      async ({ caller, params }) => toChannelBody(await useCases.getChannel(caller.userId, params.id)),
      route({ summary: "A channel the caller can view (a guild channel with VIEW_CHANNEL, or their DM)", schemas: { params: ChannelParams }, ok: { 200: ChannelBody }, failures: channelFailures }),
    )
    .patch(
      "/channels/:id",
      async ({ caller, params, body, request }) =>
        toChannelBody({
          channel: await useCases.updateChannel(caller.userId, params.id, {
            type: body.type,
            name: body.name,
            topic: body.topic,
            userLimit: body.user_limit,
            videoQualityMode: body.video_quality_mode,
            position: body.position,
            parentId: body.parent_id,
            overwrites: body.permission_overwrites,
            archived: body.archived,
            autoArchiveDuration: body.auto_archive_duration,
            locked: body.locked,
            invitable: body.invitable,
            rateLimitPerUser: body.rate_limit_per_user,
            ...forumSettingsOf(body),
            flags: body.flags,
            appliedTags: body.applied_tags,
          }, auditReason(request)),
          recipients: [],
        }),
      route({ summary: "Edit a guild channel (MANAGE_CHANNELS; permission_overwrites also MANAGE_ROLES), or a thread (its creator: name, archived, auto_archive_duration, a forum post's applied_tags; MANAGE_THREADS: everything, moderated tags and PINNED included; anyone who may send in it: unarchive)", schemas: { params: ChannelParams, body: UpdateChannelBody }, ok: { 200: ChannelBody }, failures: [lacks("MANAGE_CHANNELS", "MANAGE_ROLES with permission_overwrites", "MANAGE_THREADS", "SEND_MESSAGES_IN_THREADS"), ...channelFailures, fails("VALIDATION", "a field does not apply to the channel (a DM, a topic on a voice channel, a parent that is not a category), a forum tag or emoji is invalid, or the forum has a pinned post already"), fails("THREAD_ARCHIVED", "the thread is archived and the request does not unarchive it")] }),
    )
    .delete(
      "/channels/:id",
      async ({ caller, params, request }) => toChannelBody({ channel: await useCases.deleteChannel(caller.userId, params.id, auditReason(request)), recipients: [] }),
      route({ summary: "Delete a guild channel and answer it (MANAGE_CHANNELS; a thread: MANAGE_THREADS); a category's channels lose their parent, a text channel's threads go with it", schemas: { params: ChannelParams }, ok: { 200: ChannelBody }, failures: [lacks("MANAGE_CHANNELS", "MANAGE_THREADS"), ...channelFailures] }),
    )
    .put(
      "/channels/:id/permissions/:overwrite_id",
      async ({ caller, params, body, request }) => useCases.putOverwrite(caller.userId, params.id, params.overwrite_id, body, auditReason(request)).then(noContent),
      route({ summary: "Set the channel's overwrite for a role (type 0) or member (type 1) of its guild (MANAGE_ROLES)", schemas: { params: OverwriteParams, body: PutOverwriteBody }, ok: { 204: NoContent }, failures: [lacks("MANAGE_ROLES"), ...channelFailures, fails("VALIDATION", "the id is not a role (type 0) or member (type 1) of the guild")] }),
    )
    .delete(
      "/channels/:id/permissions/:overwrite_id",
      async ({ caller, params, request }) => useCases.deleteOverwrite(caller.userId, params.id, params.overwrite_id, auditReason(request)).then(noContent),
      route({ summary: "Remove the channel's overwrite for a role or member (MANAGE_ROLES)", schemas: { params: OverwriteParams }, ok: { 204: NoContent }, failures: [lacks("MANAGE_ROLES"), ...channelFailures] }),
    );
};
