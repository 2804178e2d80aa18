import type { DomainEvent } from "../../../shared/kernel/domain-event";
import { snowflakeFromTimestamp } from "../../../shared/kernel/snowflake";
import { messagesDeleted } from "../domain/message-events";
import type { MessageDeps } from "./message-deps";

/** What the message domain reads of the guild domain's GUILD_BAN_ADD. */
interface BanAddedData {
  readonly guild_id: string;
  readonly user: { readonly id: string };
  readonly delete_message_seconds?: number;
}

/** The events `deleteBannedUserMessages` acts on: its stream consumer reads no other. */
export const BAN_CLEANUP_EVENTS: ReadonlySet<string> = new Set(["GUILD_BAN_ADD"]);

// Deletes go in chunks so that one transaction and one MESSAGE_DELETED_BULK stay small, as Discord's (100 ids).
const CHUNK = 100;

/**
 * Reacts to GUILD_BAN_ADD with `delete_message_seconds` > 0: deletes the banned user's messages in that guild from
 * that many seconds before the ban on, channel by channel, with one MESSAGE_DELETED_BULK per chunk. Re-running it
 * for the same event deletes nothing more, so at-least-once delivery is fine.
 */
export const deleteBannedUserMessages =
  (deps: Pick<MessageDeps, "repositories" | "unitOfWork">) =>
  async (event: DomainEvent): Promise<number> => {
    if (!BAN_CLEANUP_EVENTS.has(event.type)) return 0;
    const data = event.data as BanAddedData;
    const seconds = data.delete_message_seconds ?? 0;
    if (seconds <= 0) return 0;
    const since = snowflakeFromTimestamp(Date.parse(event.occurredAt) - seconds * 1000);
    const groups = await deps.repositories.messages.authoredSince(data.guild_id, data.user.id, since);
    let deleted = 0;
    for (const group of groups) {
      for (let start = 0; start < group.ids.length; start += CHUNK) {
        const chunk = group.ids.slice(start, start + CHUNK);
        deleted += await deps.unitOfWork(async (repositories) => {
          const ids = await repositories.messages.delete(group.channelId, chunk);
          if (ids.length > 0) await repositories.record([messagesDeleted({ id: group.channelId, guildId: data.guild_id, recipientIds: [] }, ids)]);
          return ids.length;
        });
      }
    }
    return deleted;
  };
