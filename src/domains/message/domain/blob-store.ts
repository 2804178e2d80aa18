/**
 * A stored blob: its length, and its bytes read on demand. A `Blob` (a file on disk, bytes in memory) is one; a
 * shared store hands out a stream it reads a chunk at a time, so no node holds a whole file to serve it.
 */
export interface StoredBlob {
  readonly size: number;
  stream(): ReadableStream<Uint8Array>;
}

/** Bytes by key: the files behind attachments (a directory on disk, memory, PostgreSQL or S3-compatible storage). */
export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there; readers never see a half-written blob. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The blob, or null when absent. */
  get(key: string): Promise<StoredBlob | null>;
  /** Removes the blob; absent keys are fine. */
  delete(key: string): Promise<void>;
}
