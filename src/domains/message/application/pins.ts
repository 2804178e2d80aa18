import type { Snowflake } from "../../../shared/kernel/snowflake";
import { permissionRefusal } from "../../../shared/kernel/common-errors";
import { PINS_MAX } from "../domain/message";
import type { MessageChannel } from "../domain/message-channel";
import { limitReached, unknownMessage } from "../domain/message-errors";
import { pinsUpdated } from "../domain/message-events";
import { channelWith, holds } from "./message-access";
import type { MessageDeps } from "./message-deps";

type PinDeps = Pick<MessageDeps, "permissions" | "unitOfWork" | "clock">;

/** Guild channels need MANAGE_MESSAGES; in a DM either participant may pin, as in Discord. */
const pinnable = async (deps: PinDeps, userId: Snowflake, channelId: Snowflake): Promise<MessageChannel> => {
  const channel = await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY");
  if (channel.guildId !== null && !holds(channel.permissions, "MANAGE_MESSAGES")) throw permissionRefusal("MANAGE_MESSAGES", channel.withheld);
  return channel;
};

/** Pins a message (CHANNEL_PINS_UPDATED); at most 50 per channel (400 LIMIT_REACHED); pinning twice changes nothing. */
export const pinMessage =
  (deps: PinDeps) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake): Promise<void> => {
    const channel = await pinnable(deps, userId, channelId);
    const now = new Date(deps.clock.now());
    await deps.unitOfWork(async (repositories) => {
      // Counting under the channel's pin lock keeps two concurrent pins from both taking the 50th place.
      const count = await repositories.messages.lockPins(channelId);
      if ((await repositories.messages.existing(channelId, [messageId])).length === 0) throw unknownMessage();
      if (count >= PINS_MAX) {
        if (!(await repositories.messages.pinned(channelId, userId)).some((message) => message.id === messageId)) throw limitReached("pins", PINS_MAX);
        return;
      }
      if (await repositories.messages.setPinned(channelId, messageId, now)) await repositories.record([pinsUpdated(channel, now)]);
    });
  };

/** Unpins a message (CHANNEL_PINS_UPDATED); unpinning one that is not pinned changes nothing. */
export const unpinMessage =
  (deps: PinDeps) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake): Promise<void> => {
    const channel = await pinnable(deps, userId, channelId);
    await deps.unitOfWork(async (repositories) => {
      if ((await repositories.messages.existing(channelId, [messageId])).length === 0) throw unknownMessage();
      if (await repositories.messages.setPinned(channelId, messageId, null)) await repositories.record([pinsUpdated(channel, null)]);
    });
  };
