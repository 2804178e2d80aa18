import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Who reacted to which message with which emoji: one row per (message, emoji, user). */
export interface ReactionRepository {
  /** Adds the user's reaction to a message of the channel; false when it was already there. */
  add(channelId: Snowflake, messageId: Snowflake, emoji: string, userId: Snowflake, at: Date): Promise<boolean>;
  /** Removes the user's reaction; false when there was none. */
  remove(channelId: Snowflake, messageId: Snowflake, emoji: string, userId: Snowflake): Promise<boolean>;
  /** The distinct emojis on the message. */
  emojis(messageId: Snowflake): Promise<string[]>;
  /** Ids of the users who reacted with the emoji, ascending, after `after`, at most `limit`. */
  users(messageId: Snowflake, emoji: string, page: { limit: number; after?: Snowflake }): Promise<Snowflake[]>;
  /** Which of these messages the user reacted to, and with what. */
  mine(userId: Snowflake, messageIds: readonly Snowflake[]): Promise<{ messageId: Snowflake; emoji: string }[]>;
}
