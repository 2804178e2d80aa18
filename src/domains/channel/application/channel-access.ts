import { Permission, type PermissionName, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type GuildChannel, isGuildChannel } from "../domain/channel";
import { missingAccess, missingPermissions, permissionRefusal, unknownChannel, unknownGuild } from "../../../shared/kernel/common-errors";
import type { GuildStanding } from "../domain/guild-access";
import type { ResolvedChannel } from "../domain/permission-resolver";
import type { ChannelDeps } from "./channel-deps";

/** A channel the caller can see: UNKNOWN_CHANNEL when it does not exist, MISSING_ACCESS when they may not view it. */
export const viewChannel = async (deps: Pick<ChannelDeps, "permissions">, userId: Snowflake, channelId: Snowflake): Promise<ResolvedChannel> => {
  const resolved = await deps.permissions.forChannel(userId, channelId);
  if (!resolved) throw unknownChannel();
  if (!hasPermission(resolved.permissions, Permission.VIEW_CHANNEL)) throw missingAccess();
  return resolved;
};

/** A guild channel the caller can see and holds `permission` in; DMs lack every managing permission. */
export const manageChannel = async (
  deps: Pick<ChannelDeps, "permissions">,
  userId: Snowflake,
  channelId: Snowflake,
  permission: PermissionName,
): Promise<{ channel: GuildChannel; permissions: bigint }> => {
  const resolved = await viewChannel(deps, userId, channelId);
  if (!isGuildChannel(resolved.channel)) throw missingPermissions(permission);
  requirePermission(resolved.permissions, permission, resolved.withheld);
  return { channel: resolved.channel, permissions: resolved.permissions };
};

/** The caller's standing in a guild they belong to: UNKNOWN_GUILD or MISSING_ACCESS otherwise. */
export const memberStanding = async (deps: Pick<ChannelDeps, "guilds">, guildId: Snowflake, userId: Snowflake): Promise<GuildStanding> => {
  const standing = await deps.guilds.standing(guildId, userId);
  if (!standing) throw unknownGuild();
  if (!standing.member) throw missingAccess();
  return standing;
};

/** MISSING_PERMISSIONS unless `permissions` holds `permission`; 60003 when the guild's MFA level `withheld` it. */
export const requirePermission = (permissions: bigint, permission: PermissionName, withheld = 0n): void => {
  if (!hasPermission(permissions, Permission[permission])) throw permissionRefusal(permission, withheld);
};
