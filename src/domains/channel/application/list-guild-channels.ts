import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type GuildChannel, byPosition, isGuildChannel } from "../domain/channel";
import type { ChannelDeps } from "./channel-deps";
import { memberStanding } from "./channel-access";

/** The guild's channels the user can view, in display order; no membership check (callers have made it). */
export const visibleChannels =
  (deps: Pick<ChannelDeps, "permissions">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<GuildChannel[]> => {
    const resolved = await deps.permissions.channelsOf(userId, guildId);
    const visible = resolved.filter((entry) => hasPermission(entry.permissions, Permission.VIEW_CHANNEL)).map((entry) => entry.channel);
    return byPosition(visible.filter(isGuildChannel));
  };

/** A guild's channels that the caller can view, in display order; members only. */
export const listGuildChannels = (deps: Pick<ChannelDeps, "permissions" | "guilds">) => {
  const visible = visibleChannels(deps);
  return async (userId: Snowflake, guildId: Snowflake): Promise<GuildChannel[]> => {
    await memberStanding(deps, guildId, userId);
    return visible(userId, guildId);
  };
};
