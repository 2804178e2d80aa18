import type { BlobStore } from "../../../domains/message/domain/blob-store";

/** The zero-setup twin of FilesystemBlobStore for `DATA_DIR=memory://`: blobs live as long as the process. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Blob>();

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.blobs.set(key, new Blob([bytes.slice()]));
  }

  async get(key: string): Promise<Blob | null> {
    return this.blobs.get(key) ?? null;
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
}
