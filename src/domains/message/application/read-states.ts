import type { Snowflake } from "../../../shared/kernel/snowflake";
import { unknownMessage } from "../domain/message-errors";
import { messageDeliveryUpdated, messageRead } from "../domain/message-events";
import { otherParticipant } from "./dm-delivery";
import type { ReadState } from "../domain/read-state-repository";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";

/**
 * Marks a channel read up to a message (MESSAGE_READ to the reader's own sessions): the reader's last read message
 * becomes it, and their unread mentions up to it are cleared. Moving back marks later messages unread again. In a DM
 * the other participant is told their messages up to it are read (MESSAGE_DELIVERY_UPDATED, an XCord extension).
 */
export const ackMessage =
  (deps: Pick<MessageDeps, "permissions" | "unitOfWork" | "repositories" | "clock">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake): Promise<ReadState> => {
    const channel = await channelWith(deps, userId, channelId);
    const senderId = otherParticipant(channel, userId);
    if ((await deps.repositories.messages.existing(channelId, [messageId])).length === 0) throw unknownMessage();
    return deps.unitOfWork(async (repositories) => {
      await repositories.readStates.ack(userId, channelId, messageId, new Date(deps.clock.now()));
      const state = await repositories.readStates.state(userId, channelId);
      const read = messageRead(userId, channelId, messageId, state.mentionCount);
      await repositories.record(senderId === undefined ? [read] : [read, messageDeliveryUpdated(channelId, messageId, userId, senderId, "read")]);
      return state;
    });
  };

/**
 * The user's read states for the gateway's READY: every channel they acknowledged or were mentioned in since, and
 * any of `channelIds` (the channels they can see) with unread @everyone mentions.
 */
export const readStates =
  (deps: Pick<MessageDeps, "repositories">) =>
  (userId: Snowflake, channelIds?: readonly Snowflake[]): Promise<ReadState[]> =>
    deps.repositories.readStates.list(userId, channelIds);
