import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import { invalidField } from "../../../shared/kernel/domain-error";
import { type Snowflake, snowflakeTimestamp } from "../../../shared/kernel/snowflake";
import { permissionRefusal } from "../../../shared/kernel/common-errors";
import { BULK_DELETE_MAX_AGE_MS, checkBulkIds } from "../domain/message";
import { unknownMessage } from "../domain/message-errors";
import { messageDeleted, messagesDeleted } from "../domain/message-events";
import { channelWith, holds } from "./message-access";
import type { MessageDeps } from "./message-deps";

/**
 * Deletes a message (MESSAGE_DELETED): its author may, and anyone with MANAGE_MESSAGES in a guild channel. A
 * moderator's delete of someone else's message is audited (MESSAGE_DELETE, the author as target), as on Discord.
 */
export const deleteMessage =
  (deps: Pick<MessageDeps, "permissions" | "unitOfWork" | "repositories">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, reason?: string): Promise<void> => {
    const channel = await channelWith(deps, userId, channelId);
    const message = await deps.repositories.messages.find(channelId, messageId, userId);
    if (!message) throw unknownMessage();
    if (message.authorId !== userId && !(channel.guildId && holds(channel.permissions, "MANAGE_MESSAGES"))) {
      throw permissionRefusal("MANAGE_MESSAGES", channel.withheld);
    }
    await deps.unitOfWork(async (repositories) => {
      const deleted = await repositories.messages.delete(channelId, [messageId]);
      if (deleted.length === 0) throw unknownMessage();
      await repositories.record([messageDeleted(channel, messageId)]);
      if (channel.guildId !== null && message.authorId !== userId) {
        const options = { channel_id: channelId, count: "1" };
        await repositories.audit([auditEntry({ userId, reason }, channel.guildId, AuditLogEvent.MESSAGE_DELETE, { targetId: message.authorId, options })]);
      }
    });
  };

/**
 * Deletes 2–100 messages of a channel at once (MESSAGE_DELETED_BULK); MANAGE_MESSAGES. Every id must be a message of
 * this channel from the last 14 days, or nothing is deleted.
 */
export const bulkDeleteMessages =
  (deps: Pick<MessageDeps, "permissions" | "unitOfWork" | "repositories" | "clock">) =>
  async (userId: Snowflake, channelId: Snowflake, messageIds: readonly Snowflake[], reason?: string): Promise<void> => {
    const channel = await channelWith(deps, userId, channelId, "MANAGE_MESSAGES");
    const ids = checkBulkIds(messageIds);
    const oldest = deps.clock.now() - BULK_DELETE_MAX_AGE_MS;
    const tooOld = ids.findIndex((id) => snowflakeTimestamp(id) < oldest);
    if (tooOld >= 0) throw invalidField(`messages.${tooOld}`, "Messages older than 14 days cannot be bulk deleted.");
    await deps.unitOfWork(async (repositories) => {
      const deleted = new Set(await repositories.messages.delete(channelId, ids));
      const missing = ids.findIndex((id) => !deleted.has(id));
      if (missing >= 0) throw invalidField(`messages.${missing}`, "Unknown message in this channel.");
      await repositories.record([messagesDeleted(channel, ids)]);
      if (channel.guildId !== null) {
        await repositories.audit([auditEntry({ userId, reason }, channel.guildId, AuditLogEvent.MESSAGE_BULK_DELETE, { targetId: channelId, options: { count: String(ids.length) } })]);
      }
    });
  };
