import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type DeliveryStatus, deliveryStatus, isAfter } from "../domain/delivery";
import { messageDeliveryUpdated } from "../domain/message-events";
import type { MessagePayload } from "../domain/message-payloads";
import type { DeliveryMark } from "../domain/read-state-repository";
import type { MessageChannel } from "../domain/message-channel";
import type { MessageDeps } from "./message-deps";

/** A delivery mark and the sender who is told of it (the DM's other participant, the message's author). */
export interface SenderMark extends DeliveryMark {
  readonly senderId: Snowflake;
}

/** The most marks one statement writes. */
const BATCH = 500;

/**
 * Stores delivery marks (each only moves forward) and tells each sender whose mark moved: MESSAGE_DELIVERY_UPDATED
 * `delivered`, through the outbox.
 */
export const markDelivered =
  (deps: Pick<MessageDeps, "unitOfWork">) =>
  async (marks: readonly SenderMark[]): Promise<void> => {
    for (let start = 0; start < marks.length; start += BATCH) {
      const batch = marks.slice(start, start + BATCH);
      const senderOf = new Map(batch.map((mark) => [`${mark.channelId}:${mark.userId}`, mark.senderId]));
      await deps.unitOfWork(async (repositories) => {
        const moved = await repositories.readStates.markDelivered(batch);
        const events = moved.flatMap((mark) => {
          const senderId = senderOf.get(`${mark.channelId}:${mark.userId}`);
          return senderId ? [messageDeliveryUpdated(mark.channelId, mark.messageId, mark.userId, senderId, "delivered")] : [];
        });
        if (events.length > 0) await repositories.record(events);
      });
    }
  };

/** The DM's other participant, or undefined for guild channels. */
export const otherParticipant = (channel: Pick<MessageChannel, "guildId" | "recipientIds">, userId: Snowflake): Snowflake | undefined =>
  channel.guildId === null ? channel.recipientIds.find((id) => id !== userId) : undefined;

/** `messages` with `delivery` on the caller's own, when the channel is a DM (one read of the recipient's marks). */
export const withDelivery = async (
  deps: Pick<MessageDeps, "repositories">,
  channel: Pick<MessageChannel, "id" | "guildId" | "recipientIds">,
  userId: Snowflake,
  messages: MessagePayload[],
): Promise<MessagePayload[]> => {
  const recipientId = otherParticipant(channel, userId);
  if (recipientId === undefined || !messages.some((message) => message.author.id === userId)) return messages;
  const state = await deps.repositories.readStates.delivery(channel.id, recipientId);
  return messages.map((message) => (message.author.id === userId ? { ...message, delivery: deliveryStatus(message.id, state) as DeliveryStatus } : message));
};

/**
 * Notes, as the gateway sends a DM's MESSAGE_CREATE to one of the recipient's sessions, that the recipient got it.
 * Marks are coalesced per (DM, recipient) in the node and written every `flushEveryMs`, a batch at a time: the
 * fan-out only updates a map entry, and never waits on the database.
 */
export const createDeliveryTracker = (options: {
  readonly markDelivered: (marks: readonly SenderMark[]) => Promise<void>;
  readonly flushEveryMs?: number;
  readonly onError: (error: unknown) => void;
}) => {
  const flushEveryMs = options.flushEveryMs ?? 250;
  let pending = new Map<string, SenderMark>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const flush = async () => {
    timer = undefined;
    if (pending.size === 0) return;
    const marks = [...pending.values()];
    pending = new Map();
    await options.markDelivered(marks).catch(options.onError);
  };

  return {
    /** The gateway's hook (SessionDeps.onForwarded): a DM's MESSAGE_SENT reached a session of someone but its author. */
    forwarded(event: DomainEvent, viewer: { readonly userId: Snowflake }): void {
      if (event.type !== "MESSAGE_SENT" || closed) return;
      const message = event.data as MessagePayload;
      if (message.guild_id !== undefined || message.author.id === viewer.userId) return;
      const key = `${message.channel_id}:${viewer.userId}`;
      const known = pending.get(key);
      if (known && !isAfter(message.id, known.messageId)) return;
      pending.set(key, { channelId: message.channel_id, userId: viewer.userId, messageId: message.id, senderId: message.author.id });
      timer ??= setTimeout(() => void flush(), flushEveryMs);
    },
    /** Writes what is pending now (tests; a stopping node). */
    flush,
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
};
