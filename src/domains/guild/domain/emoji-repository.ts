import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Emoji } from "./emoji";

/** A guild's custom emoji; an emoji loses a role when the role is deleted, and goes with its guild. */
export interface EmojiRepository {
  /** Every emoji of the guild, oldest first. */
  listByGuild(guildId: Snowflake): Promise<Emoji[]>;
  /** The same, holding the guild's row lock until the transaction ends, so that concurrent uploads count in turn. */
  listLocked(guildId: Snowflake): Promise<Emoji[]>;
  /** The emoji with this id, in any guild, or null. */
  find(emojiId: Snowflake): Promise<Emoji | null>;
  /** Inserts an emoji with its roles. */
  insert(emoji: Emoji): Promise<void>;
  /** Saves its name and replaces its roles. */
  update(emoji: Emoji): Promise<void>;
  /** Deletes the emoji of the guild. */
  delete(guildId: Snowflake, emojiId: Snowflake): Promise<void>;
}

/** A stored image: its length, and its bytes read on demand (the message domain's StoredBlob). */
export interface StoredImage {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

/** Where emoji images are kept: the blob store attachments use (a directory, memory, PostgreSQL or S3). */
export interface EmojiImageStore {
  /** Stores `bytes` under `key`, replacing what was there. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The image, or null when absent. */
  get(key: string): Promise<StoredImage | null>;
  /** Removes the image; absent keys are fine. */
  delete(key: string): Promise<void>;
}

/** Tells a file's type from its magic numbers. */
export interface ImageTypeDetector {
  /** The MIME type the bytes prove, or undefined when they carry no known signature. */
  detect(bytes: Uint8Array): Promise<string | undefined>;
}
