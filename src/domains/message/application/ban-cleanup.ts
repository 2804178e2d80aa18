import type { BanAdded } from "../../guild";
import { snowflakeRangesSince } from "../../../shared/kernel/snowflake";
import { messagesDeleted } from "../domain/message-events";
import type { MessageDeps } from "./message-deps";

// Deletes go in chunks so that one transaction and one MESSAGE_DELETED_BULK stay small, as Discord's (100 ids).
const CHUNK = 100;

/**
 * Reacts to BAN_ADDED with `delete_message_seconds` > 0: deletes the banned user's messages in that guild from
 * that many seconds before the ban on, channel by channel, with one MESSAGE_DELETED_BULK per chunk. Re-running it
 * for the same event deletes nothing more, so at-least-once delivery is fine.
 */
export const deleteBannedUserMessages =
  (deps: Pick<MessageDeps, "repositories" | "unitOfWork">) =>
  async ({ data, occurredAt }: BanAdded): Promise<number> => {
    const seconds = data.delete_message_seconds;
    if (seconds <= 0) return 0;
    // Two ranges while messages with ids of the epoch before Discord's may still be in the window.
    const ranges = snowflakeRangesSince(Date.parse(occurredAt) - seconds * 1000);
    const groups = (await Promise.all(ranges.map((range) => deps.repositories.messages.authoredIn(data.guild_id, data.user.id, range)))).flat();
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
