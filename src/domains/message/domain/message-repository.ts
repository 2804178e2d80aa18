import type { Snowflake, SnowflakeRange } from "../../../shared/kernel/snowflake";
import type { Message } from "./message";

/** A page of history: the newest messages, or those just before, after or around an anchor (at most one). */
export interface HistoryPage {
  readonly limit: number;
  readonly before?: Snowflake;
  readonly after?: Snowflake;
  readonly around?: Snowflake;
}

/** A message being created: what the sender decides, before reactions, pins and edits exist. */
export type NewMessage = Omit<Message, "attachments" | "reactions" | "pinned" | "editedAt" | "referencedMessage"> & {
  /** True when uploads are claimed for it in the same transaction. */
  readonly hasAttachments: boolean;
};

/** Who sent a nonce where: a nonce de-duplicates only for the same author in the same channel. */
export interface NonceKey {
  readonly channelId: Snowflake;
  readonly authorId: Snowflake;
  readonly nonce: string;
}

/** A full-text search in a guild, already narrowed to the channels the caller may read. */
export interface SearchQuery {
  readonly channelIds: readonly Snowflake[];
  /** Words to match (all of them), or undefined for no text condition. */
  readonly content?: string;
  readonly authorId?: Snowflake;
  readonly limit: number;
  readonly offset: number;
}

/** Messages with their pins and nonces. Reads take the viewer, whose reactions show as `me`. */
export interface MessageRepository {
  /** A page of a channel's history, newest first, read from one index range per anchor side. */
  history(channelId: Snowflake, page: HistoryPage, viewerId: Snowflake): Promise<Message[]>;
  /** One message of the channel, or null. */
  find(channelId: Snowflake, id: Snowflake, viewerId: Snowflake): Promise<Message | null>;
  /** Which of `ids` are messages of the channel. */
  existing(channelId: Snowflake, ids: readonly Snowflake[]): Promise<Snowflake[]>;
  /** The channel's pinned messages, most recently pinned first. */
  pinned(channelId: Snowflake, viewerId: Snowflake): Promise<Message[]>;
  /** Up to `limit` pinned messages with their pin times, most recently pinned first, pinned before `before` if given. */
  pinnedBefore(channelId: Snowflake, before: Date | undefined, limit: number, viewerId: Snowflake): Promise<{ pinnedAt: Date; message: Message }[]>;
  /** Matching messages newest first, and how many match in all. */
  search(query: SearchQuery, viewerId: Snowflake): Promise<{ total: number; messages: Message[] }>;
  /** The id of the message a live nonce (recorded after `since`) stands for, or null. */
  findByNonce(key: NonceKey, since: Date): Promise<Snowflake | null>;
  /** The ids of the author's messages in the guild within `range`, grouped by channel. */
  authoredIn(guildId: Snowflake, authorId: Snowflake, range: SnowflakeRange): Promise<{ channelId: Snowflake; ids: Snowflake[] }[]>;
  insert(message: NewMessage): Promise<void>;
  /**
   * Records that `key` stands for `messageId`. False, writing nothing, when the key already stands for a message
   * recorded after `staleBefore`; a concurrent claim of the same key waits for the first to commit or roll back.
   */
  claimNonce(key: NonceKey, messageId: Snowflake, now: Date, staleBefore: Date): Promise<boolean>;
  /** Saves an edit: content, embeds, flags, mentions, whether attachments remain, and the edit time. */
  update(message: Message): Promise<void>;
  /** Deletes messages of the channel with everything hanging off them; returns the ids that existed. */
  delete(channelId: Snowflake, ids: readonly Snowflake[]): Promise<Snowflake[]>;
  /** Pins (a time) or unpins (null); false when the message was already in that state. */
  setPinned(channelId: Snowflake, id: Snowflake, pinnedAt: Date | null): Promise<boolean>;
  /** How many messages of the channel are pinned, serializing pins of the channel until the transaction ends. */
  lockPins(channelId: Snowflake): Promise<number>;
  /** Forgets nonces recorded before `before`; returns how many. */
  purgeNonces(before: Date): Promise<number>;
}
