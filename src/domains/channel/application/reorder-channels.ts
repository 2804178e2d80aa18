import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type GuildChannel, checkParent, checkPosition } from "../domain/channel";
import { channelUpdated } from "../domain/channel-events";
import type { ChannelDeps } from "./channel-deps";
import { memberStanding, requirePermission } from "./channel-access";

/** One move of PATCH /guilds/{id}/channels; `parentId` undefined keeps the parent, null removes it. */
export interface ChannelPosition {
  readonly id: Snowflake;
  readonly position: number;
  readonly parentId?: Snowflake | null;
}

/** Moves channels and re-parents them under categories of the same guild (CHANNEL_UPDATE each); MANAGE_CHANNELS. */
export const reorderChannels =
  (deps: Pick<ChannelDeps, "guilds" | "channels" | "unitOfWork">) =>
  async (userId: Snowflake, guildId: Snowflake, moves: readonly ChannelPosition[]): Promise<void> => {
    const standing = await memberStanding(deps, guildId, userId);
    requirePermission(standing.permissions, "MANAGE_CHANNELS");
    const channels = await deps.channels.listByGuild(guildId);
    const byId = new Map(channels.map((channel) => [channel.id, channel]));
    const changed = new Map<Snowflake, GuildChannel>();
    moves.forEach((move, index) => {
      const channel = byId.get(move.id);
      if (!channel) throw invalidField(`${index}.id`, "Must be a channel of the guild.");
      const position = checkPosition(move.position, `${index}.position`);
      const parentId = move.parentId === undefined ? channel.parentId : move.parentId;
      if (parentId !== null && parentId !== channel.parentId) {
        checkParent(channel.type, guildId, byId.get(parentId) ?? null, `${index}.parent_id`);
      }
      if (position !== channel.position || parentId !== channel.parentId) changed.set(channel.id, { ...channel, position, parentId });
    });
    if (changed.size === 0) return;
    await deps.unitOfWork(async (repositories) => {
      await repositories.channels.update([...changed.values()]);
      await repositories.record([...changed.values()].map(channelUpdated));
    });
  };
