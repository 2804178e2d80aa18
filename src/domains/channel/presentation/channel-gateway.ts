import { type DispatchRule, type DispatchRules, FORWARD, type ReadyContributor } from "../../../shared/gateway/gateway-ports";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { ChannelCreated, ChannelEvent, ChannelPayload, ChannelUpdated } from "../domain/channel-events";
import type { Overwrite } from "../domain/overwrite";
import type { PermissionResolver } from "../domain/permission-resolver";
import type { ChannelView } from "../application/get-channel";
import { toChannelBody } from "./channel-schemas";
import type { ChannelVisibility } from "./channel-visibility";

const canView = (permissions: bigint) => hasPermission(permissions, Permission.VIEW_CHANNEL);

const overwritesOf = (channel: ChannelPayload): Overwrite[] =>
  channel.permission_overwrites.map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));

/**
 * CHANNEL_CREATE/UPDATE/DELETE: guild channels only to members who can view them (a deleted channel is judged
 * by the overwrites it had); DM channels travel on their recipients' own topics and go as they are.
 */
export const channelDispatchRules = (visibility: ChannelVisibility, resolver: PermissionResolver): DispatchRules<ChannelEvent> => {
  const visibleNow: DispatchRule<ChannelCreated | ChannelUpdated> = async ({ data: channel }, viewer) => {
    if (!channel.guild_id) return FORWARD;
    return canView(await visibility.permissions(viewer.userId, channel.id)) ? FORWARD : null;
  };
  return {
    CHANNEL_CREATED: visibleNow,
    CHANNEL_UPDATED: visibleNow,
    async CHANNEL_DELETED({ data: channel }, viewer) {
      if (!channel.guild_id) return FORWARD;
      return canView(await resolver.inGuild(viewer.userId, channel.guild_id, overwritesOf(channel))) ? FORWARD : null;
    },
  };
};

/** READY `private_channels`: the user's DM channels, each with the other participant. */
export const channelReady =
  (listDms: (userId: string) => Promise<readonly ChannelView[]>): ReadyContributor =>
  async (viewer) => ({ private_channels: (await listDms(viewer.userId)).map(toChannelBody) });
