/** Bytes by key: the files behind attachments (a directory on disk, or memory). */
export interface BlobStore {
  /** Stores `bytes` under `key`, replacing what was there; readers never see a half-written blob. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The blob, or null when absent. */
  get(key: string): Promise<Blob | null>;
  /** Removes the blob; absent keys are fine. */
  delete(key: string): Promise<void>;
}
