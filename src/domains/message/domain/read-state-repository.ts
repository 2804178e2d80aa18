import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Where a user stopped reading a channel, and how many mentions of them came after. */
export interface ReadState {
  readonly channelId: Snowflake;
  readonly lastMessageId: Snowflake | null;
  readonly mentionCount: number;
}

/**
 * Read receipts and unread mentions. Direct mentions are rows of an unread-mention inbox (written with the message,
 * emptied up to the acknowledged message on ack); @everyone is counted when read, from the messages that carry it,
 * so a mention of everyone costs no write per member.
 */
/** A DM recipient's sessions were sent the DM's messages up to `messageId`. */
export interface DeliveryMark {
  readonly channelId: Snowflake;
  readonly userId: Snowflake;
  readonly messageId: Snowflake;
}

/** How far a DM's recipient got: sent up to `deliveredUpTo`, read up to `readUpTo` (null: nothing yet). */
export interface DeliveryState {
  readonly deliveredUpTo: Snowflake | null;
  readonly readUpTo: Snowflake | null;
}

export interface ReadStateRepository {
  /** Moves each mark's delivered-up-to forward (never back); answers the marks that moved it. */
  markDelivered(marks: readonly DeliveryMark[]): Promise<DeliveryMark[]>;
  /** How far `userId` got in the DM `channelId`. */
  delivery(channelId: Snowflake, userId: Snowflake): Promise<DeliveryState>;
  /** Sets the user's last read message and empties their mention inbox up to it. */
  ack(userId: Snowflake, channelId: Snowflake, messageId: Snowflake, at: Date): Promise<void>;
  /** Adds the message to the inboxes of the users who have not read past it. */
  addMentions(channelId: Snowflake, messageId: Snowflake, userIds: readonly Snowflake[]): Promise<void>;
  /** Removes the message from every inbox (before re-adding the mentions of an edit). */
  removeMentions(messageId: Snowflake): Promise<void>;
  /** The user's read state in one channel (no last message and no mentions when they never read it). */
  state(userId: Snowflake, channelId: Snowflake): Promise<ReadState>;
  /** The user's read states: channels they acknowledged or were mentioned in, plus `channelIds` (their visible ones). */
  list(userId: Snowflake, channelIds?: readonly Snowflake[]): Promise<ReadState[]>;
}
