import { type DispatchRule, type DispatchRules, FORWARD, type ReadyContributor, forwardToAll } from "../../../shared/gateway/gateway-ports";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { MessageDeliveryUpdated, MessageEvent, MessageRead } from "../domain/message-events";
import type { MessageUseCases } from "../application/message-use-cases";
import type { BlockEntry, BlockList } from "../../../shared/kernel/users";

/** A user's permissions in a channel (0 when they cannot see it); the gateway's node-wide cached answer, a value once known. */
export type ChannelPermissions = (userId: string, channelId: string) => Promise<bigint> | bigint;

/**
 * MESSAGE_CREATE and the rest, TYPING_START (not to the typist, nor to those who blocked them), WEBHOOKS_UPDATE and MESSAGE_ACK. Guild channel events reach only
 * sessions whose user has VIEW_CHANNEL there; DM and read-receipt events travel on `user:` topics only to those
 * allowed, so they need no check.
 */
export const messageDispatchRules = (channelPermissions: ChannelPermissions, blocks: BlockList): DispatchRules<MessageEvent> => {
  const decide = (permissions: bigint) => (hasPermission(permissions, Permission.VIEW_CHANNEL) ? FORWARD : null);
  const viewers: DispatchRule<Exclude<MessageEvent, MessageRead | MessageDeliveryUpdated>> = ({ data }, viewer) => {
    if (!data.guild_id) return FORWARD;
    // Decided in the same turn when the answer is known: a fan-out to thousands of sessions waits on no promise.
    const permissions = channelPermissions(viewer.userId, data.channel_id);
    return typeof permissions === "bigint" ? decide(permissions) : permissions.then(decide);
  };
  return {
    MESSAGE_SENT: viewers,
    MESSAGE_UPDATED: viewers,
    MESSAGE_DELETED: viewers,
    MESSAGE_DELETED_BULK: viewers,
    MESSAGE_REACTION_ADDED: viewers,
    MESSAGE_REACTION_REMOVED: viewers,
    CHANNEL_PINS_UPDATED: viewers,
    WEBHOOKS_UPDATED: viewers,
    MESSAGE_READ: forwardToAll,
    // Travels on the sender's `user:` topic alone.
    MESSAGE_DELIVERY_UPDATED: forwardToAll,
    TYPING_STARTED: (event, viewer) => {
      if (event.data.user_id === viewer.userId) return null;
      const decideTyping = (entry: BlockEntry) => (entry.blocked.has(event.data.user_id) ? null : viewers(event, viewer));
      const entry = blocks.of(viewer.userId);
      return entry instanceof Promise ? entry.then(decideTyping) : decideTyping(entry);
    },
  };
};

/** READY `read_state`: the channels the user acknowledged or was mentioned in, with mention counts. */
export const messageReady =
  (useCases: Pick<MessageUseCases, "readStates">): ReadyContributor =>
  async (viewer) => ({
    read_state: (await useCases.readStates(viewer.userId)).map((state) => ({
      channel_id: state.channelId,
      last_message_id: state.lastMessageId,
      mention_count: state.mentionCount,
    })),
  });
