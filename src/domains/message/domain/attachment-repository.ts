import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Attachment } from "./attachment";

/** The terms on which uploads may join a message. */
export interface AttachmentClaim {
  readonly ids: readonly Snowflake[];
  readonly uploaderId: Snowflake;
  readonly channelId: Snowflake;
  readonly messageId: Snowflake;
  /** Uploads older than this may no longer be used. */
  readonly uploadedAfter: Date;
}

/** Uploads and the message each one ended up in. */
export interface AttachmentRepository {
  insert(attachment: Attachment): Promise<void>;
  /**
   * Attaches unused uploads to a message, atomically: only those matching the claim (this uploader, this channel,
   * never used, recent enough) are taken, in the order of `ids`; each upload can be taken once.
   */
  claim(claim: AttachmentClaim): Promise<Attachment[]>;
  /** Takes attachments off their message (an edit removed them); the purge then deletes them with their bytes. */
  release(channelId: Snowflake, messageId: Snowflake, ids: readonly Snowflake[]): Promise<void>;
  /** An attachment that may still be served: part of a message, or an upload not used yet; null otherwise. */
  findServable(id: Snowflake): Promise<Attachment | null>;
  /** Up to `limit` attachments whose bytes are no longer needed: their message is gone, or they were never used in time. */
  purgeable(uploadedBefore: Date, limit: number): Promise<Snowflake[]>;
  /** Forgets attachments (their bytes must already be gone). */
  delete(ids: readonly Snowflake[]): Promise<void>;
}
