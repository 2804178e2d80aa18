/**
 * A stored blob: its length, and its bytes read on demand. A `Blob` (a file on disk, bytes in memory) is one; a
 * shared store hands out a stream it reads a chunk at a time, so no node holds a whole file to serve it.
 */
export interface StoredBlob {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

/** A streamed blob ran past the bytes its writer allowed: it was stopped there, and nothing of it is stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
    this.name = "BlobTooLargeError";
  }
}

/** Bytes by key: the files behind attachments (a directory on disk, memory, PostgreSQL or S3-compatible storage). */
export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there; readers never see a half-written blob. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Stores the bytes of `stream` under `key` as they arrive (a chunk at a time, never the whole blob in memory) and
   * resolves to their count once the stream has ended. Past `maxBytes` it stops reading, cancels the stream and
   * throws BlobTooLargeError; when the stream errors (a client cut off mid-upload) that error is thrown. Either way
   * nothing written for this call stays stored, and what the key held before is kept; readers never see a part.
   */
  putStream(key: string, stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<number>;
  /** The blob, or null when absent. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes the blob; absent keys are fine. */
  delete(key: string): Promise<void>;
}
