import { type DomainEvent, type NewDomainEvent, type Topic, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type ReactionEmojiPayload, reactionEmojiOf } from "./emoji";
import type { MessageChannel } from "./message-channel";
import type { MessagePayload } from "./message-payloads";
import type { DeliveryStatus } from "./delivery";
import type { WebhooksUpdated } from "./webhook-events";

/*
 * Event data is the API object (with `guild_id` in guilds), dispatched by the gateway as MESSAGE_CREATE etc.
 * Guild channel events go to `guild:<id>`, which the gateway hears for every member (and filters by VIEW_CHANNEL);
 * DM events go to each participant's `user:<id>`; a read receipt only to its reader's `user:<id>`. No node listens
 * to `channel:<id>`: publishing there too cost a second copy of every message on the bus.
 */
type Where = { readonly channel_id: Snowflake; readonly guild_id?: Snowflake };

export type MessageSent = DomainEvent<"MESSAGE_SENT", MessagePayload>;
export type MessageUpdated = DomainEvent<"MESSAGE_UPDATED", MessagePayload>;
export type MessageDeleted = DomainEvent<"MESSAGE_DELETED", Where & { id: Snowflake }>;
export type MessageDeletedBulk = DomainEvent<"MESSAGE_DELETED_BULK", Where & { ids: Snowflake[] }>;
export type ReactionData = Where & { user_id: Snowflake; message_id: Snowflake; emoji: ReactionEmojiPayload };
export type MessageReactionAdded = DomainEvent<"MESSAGE_REACTION_ADDED", ReactionData>;
export type MessageReactionRemoved = DomainEvent<"MESSAGE_REACTION_REMOVED", ReactionData>;
export type ChannelPinsUpdated = DomainEvent<"CHANNEL_PINS_UPDATED", Where & { last_pin_timestamp: string | null }>;
export type MessageRead = DomainEvent<"MESSAGE_READ", { channel_id: Snowflake; message_id: Snowflake; mention_count: number }>;
/** A DM's status for its sender (an XCord extension): `user_id` (the recipient) got or read it up to `message_id`. */
export type MessageDeliveryUpdated = DomainEvent<"MESSAGE_DELIVERY_UPDATED", { channel_id: Snowflake; message_id: Snowflake; user_id: Snowflake; status: DeliveryStatus }>;
/** Ephemeral: published straight to pub/sub by `startTyping`, never through the outbox. `timestamp` in Unix seconds, as Discord. */
export type TypingStarted = DomainEvent<"TYPING_STARTED", Where & { user_id: Snowflake; timestamp: number }>;

export type MessageEvent =
  | MessageSent
  | MessageUpdated
  | MessageDeleted
  | MessageDeletedBulk
  | MessageReactionAdded
  | MessageReactionRemoved
  | ChannelPinsUpdated
  | MessageRead
  | MessageDeliveryUpdated
  | TypingStarted
  | WebhooksUpdated;

/** Who hears of what happens in a channel. */
export const channelTopics = (channel: Pick<MessageChannel, "id" | "guildId" | "recipientIds">): Topic[] =>
  channel.guildId ? [topics.guild(channel.guildId)] : channel.recipientIds.map((id) => topics.user(id));

const where = (channel: Pick<MessageChannel, "id" | "guildId">): Where => ({
  channel_id: channel.id,
  ...(channel.guildId ? { guild_id: channel.guildId } : {}),
});

export const messageSent = (channel: MessageChannel, message: MessagePayload): Unrecorded<MessageSent> => ({
  type: "MESSAGE_SENT",
  topics: channelTopics(channel),
  data: message,
});

export const messageUpdated = (channel: MessageChannel, message: MessagePayload): Unrecorded<MessageUpdated> => ({
  type: "MESSAGE_UPDATED",
  topics: channelTopics(channel),
  data: message,
});

export const messageDeleted = (channel: MessageChannel, id: Snowflake): Unrecorded<MessageDeleted> => ({
  type: "MESSAGE_DELETED",
  topics: channelTopics(channel),
  data: { id, ...where(channel) },
});

export const messagesDeleted = (channel: Pick<MessageChannel, "id" | "guildId" | "recipientIds">, ids: Snowflake[]): Unrecorded<MessageDeletedBulk> => ({
  type: "MESSAGE_DELETED_BULK",
  topics: channelTopics(channel),
  data: { ids, ...where(channel) },
});

export const reactionChanged = <T extends "MESSAGE_REACTION_ADDED" | "MESSAGE_REACTION_REMOVED">(
  type: T,
  channel: MessageChannel,
  messageId: Snowflake,
  userId: Snowflake,
  emoji: string,
): NewDomainEvent<T, ReactionData> => ({
  type,
  topics: channelTopics(channel),
  data: { user_id: userId, message_id: messageId, emoji: reactionEmojiOf(emoji), ...where(channel) },
});

export const pinsUpdated = (channel: MessageChannel, lastPinAt: Date | null): Unrecorded<ChannelPinsUpdated> => ({
  type: "CHANNEL_PINS_UPDATED",
  topics: channelTopics(channel),
  data: { last_pin_timestamp: lastPinAt?.toISOString() ?? null, ...where(channel) },
});

export const messageRead = (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, mentionCount: number): Unrecorded<MessageRead> => ({
  type: "MESSAGE_READ",
  topics: [topics.user(userId)],
  data: { channel_id: channelId, message_id: messageId, mention_count: mentionCount },
});

export const typingStarted = (channel: Pick<MessageChannel, "id" | "guildId" | "recipientIds">, userId: Snowflake, nowMs: number): Unrecorded<TypingStarted> => ({
  type: "TYPING_STARTED",
  topics: channelTopics(channel),
  data: { ...where(channel), user_id: userId, timestamp: Math.floor(nowMs / 1000) },
});

/** To the DM's other participant, the sender of what `recipientId` got or read: their messages up to `messageId` have `status`. */
export const messageDeliveryUpdated = (
  channelId: Snowflake,
  messageId: Snowflake,
  recipientId: Snowflake,
  senderId: Snowflake,
  status: DeliveryStatus,
): Unrecorded<MessageDeliveryUpdated> => ({
  type: "MESSAGE_DELIVERY_UPDATED",
  topics: [topics.user(senderId)],
  data: { channel_id: channelId, message_id: messageId, user_id: recipientId, status },
});
