import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import { CHANNEL_AUDIT_FIELDS } from "../domain/channel-audit";
import { auditChanges } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, ChannelType, isThread } from "../domain/channel";
import { channelDeleted, channelUpdated } from "../domain/channel-events";
import type { ChannelDeps } from "./channel-deps";
import { manageChannel, viewChannel } from "./channel-access";
import { deleteThread } from "./update-thread";

/**
 * Deletes a guild channel with its overwrites and invites (CHANNEL_DELETE); MANAGE_CHANNELS in it. Deleting a
 * category leaves its channels in place without a parent (CHANNEL_UPDATE for each).
 */
export const deleteChannel =
  (deps: Pick<ChannelDeps, "permissions" | "unitOfWork" | "threads">) =>
  async (userId: Snowflake, channelId: Snowflake, reason?: string): Promise<Channel> => {
    // A thread: MANAGE_THREADS, THREAD_DELETE (update-thread.ts).
    if (isThread((await viewChannel(deps, userId, channelId)).channel)) return deleteThread(deps)(userId, channelId, reason);
    const { channel } = await manageChannel(deps, userId, channelId, "MANAGE_CHANNELS");
    await deps.unitOfWork(async (repositories) => {
      const children =
        channel.type === ChannelType.GUILD_CATEGORY
          ? (await repositories.channels.listByGuild(channel.guildId)).filter((other) => other.parentId === channel.id)
          : [];
      await repositories.channels.delete(channel.id);
      await repositories.record([...children.map((child) => channelUpdated({ ...child, parentId: null })), channelDeleted(channel)]);
      await repositories.audit([auditEntry({ userId, reason }, channel.guildId, AuditLogEvent.CHANNEL_DELETE, { targetId: channel.id, changes: auditChanges(channel, null, CHANNEL_AUDIT_FIELDS) })]);
    });
    return channel;
  };
