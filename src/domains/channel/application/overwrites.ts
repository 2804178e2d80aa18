import { overwriteEntries } from "../domain/channel-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { channelUpdated } from "../domain/channel-events";
import { type Overwrite, changedBits, parseOverwrite } from "../domain/overwrite";
import type { ChannelDeps } from "./channel-deps";
import { manageChannel } from "./channel-access";
import { checkGrantable, checkTarget } from "./overwrite-rules";

export interface OverwriteChange {
  readonly type: number;
  readonly allow?: string;
  readonly deny?: string;
}

/**
 * Creates or replaces a channel's overwrite for a role or member of its guild (CHANNEL_UPDATE); MANAGE_ROLES in the
 * channel, and only bits the caller holds may change.
 */
export const putOverwrite =
  (deps: Pick<ChannelDeps, "permissions" | "guilds" | "unitOfWork">) =>
  async (userId: Snowflake, channelId: Snowflake, targetId: Snowflake, change: OverwriteChange, reason?: string): Promise<void> => {
    const { channel, permissions } = await manageChannel(deps, userId, channelId, "MANAGE_ROLES");
    const overwrite = parseOverwrite({ ...change, id: targetId }, "");
    await checkTarget(deps, channel.guildId, overwrite);
    const before = channel.overwrites.filter((existing) => existing.id === targetId);
    checkGrantable(permissions, changedBits(before, [overwrite]));
    const overwrites: Overwrite[] = [...channel.overwrites.filter((existing) => existing.id !== targetId), overwrite];
    await deps.unitOfWork(async (repositories) => {
      await repositories.channels.putOverwrite(channel.id, overwrite);
      await repositories.record([channelUpdated({ ...channel, overwrites })]);
      await repositories.audit(overwriteEntries({ userId, reason }, channel, channel.overwrites, overwrites));
    });
  };

/** Deletes a channel's overwrite for a target (CHANNEL_UPDATE when there was one); MANAGE_ROLES, as for putting it. */
export const deleteOverwrite =
  (deps: Pick<ChannelDeps, "permissions" | "unitOfWork">) =>
  async (userId: Snowflake, channelId: Snowflake, targetId: Snowflake, reason?: string): Promise<void> => {
    const { channel, permissions } = await manageChannel(deps, userId, channelId, "MANAGE_ROLES");
    const before = channel.overwrites.filter((existing) => existing.id === targetId);
    checkGrantable(permissions, changedBits(before, []));
    await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.channels.deleteOverwrite(channel.id, targetId))) return;
      const overwrites = channel.overwrites.filter((existing) => existing.id !== targetId);
      await repositories.record([channelUpdated({ ...channel, overwrites })]);
      await repositories.audit(overwriteEntries({ userId, reason }, channel, channel.overwrites, overwrites));
    });
  };
