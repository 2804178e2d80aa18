import { Permission, type PermissionName, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ChannelType, type ResolvedChannel, isThread, memberStanding, requirePermission, viewChannel } from "../../channel";
import type { MessageChannel } from "../domain/message-channel";
import { notTextChannel } from "../domain/message-errors";
import type { MessageDeps } from "./message-deps";

export { memberStanding };

/** The channel domain's answer in the message domain's terms. */
export const toMessageChannel = (resolved: ResolvedChannel): MessageChannel => {
  const { channel } = resolved;
  return {
    id: channel.id,
    guildId: resolved.guildId,
    text: channel.type === ChannelType.GUILD_TEXT || channel.type === ChannelType.DM || isThread(channel),
    recipientIds: channel.type === ChannelType.DM ? channel.recipientIds : [],
    permissions: resolved.permissions,
    ...(resolved.withheld ? { withheld: resolved.withheld } : {}),
    rateLimitPerUser: channel.type === ChannelType.GUILD_TEXT || isThread(channel) ? channel.rateLimitPerUser : 0,
    ...(isThread(channel) ? { thread: { archived: channel.metadata.archived, member: resolved.threadMember ?? false } } : {}),
  };
};

/**
 * A text channel or DM the caller can see and holds every named permission in: 404 10003 when it does not exist,
 * 403 50001 without VIEW_CHANNEL, 403 50013 naming the first missing permission, 400 for voice and categories.
 */
export const channelWith = async (
  deps: Pick<MessageDeps, "permissions">,
  userId: Snowflake,
  channelId: Snowflake,
  ...required: PermissionName[]
): Promise<MessageChannel> => {
  const channel = toMessageChannel(await viewChannel(deps, userId, channelId));
  for (const name of required) requirePermission(channel.permissions, name, channel.withheld);
  if (!channel.text) throw notTextChannel();
  return channel;
};

/** True when `permissions` hold the named permission. */
export const holds = (permissions: bigint, name: PermissionName): boolean => hasPermission(permissions, Permission[name]);
