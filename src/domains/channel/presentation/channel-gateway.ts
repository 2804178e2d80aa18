import type { DispatchRule, DispatchRules, ReadyContributor } from "../../../shared/gateway/gateway-ports";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { ChannelPayload } from "../domain/channel-events";
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
export const channelDispatchRules = (visibility: ChannelVisibility, resolver: PermissionResolver): DispatchRules => {
  const visibleNow =
    (t: string): DispatchRule =>
    async (event, viewer) => {
      const channel = event.data as ChannelPayload;
      if (!channel.guild_id) return { dispatches: [{ t, d: channel }] };
      return canView(await visibility.permissions(viewer.userId, channel.id)) ? { dispatches: [{ t, d: channel }] } : null;
    };
  return {
    CHANNEL_CREATE: visibleNow("CHANNEL_CREATE"),
    CHANNEL_UPDATE: visibleNow("CHANNEL_UPDATE"),
    async CHANNEL_DELETE(event, viewer) {
      const channel = event.data as ChannelPayload;
      if (!channel.guild_id) return { dispatches: [{ t: "CHANNEL_DELETE", d: channel }] };
      const permissions = await resolver.inGuild(viewer.userId, channel.guild_id, overwritesOf(channel));
      return canView(permissions) ? { dispatches: [{ t: "CHANNEL_DELETE", d: channel }] } : null;
    },
  };
};

/** READY `private_channels`: the user's DM channels, each with the other participant. */
export const channelReady =
  (listDms: (userId: string) => Promise<readonly ChannelView[]>): ReadyContributor =>
  async (viewer) => ({ private_channels: (await listDms(viewer.userId)).map(toChannelBody) });
