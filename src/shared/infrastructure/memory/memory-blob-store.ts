import type { BlobStore } from "../../../domains/message/domain/blob-store";
import { limitedChunks } from "../blob-store-streams";

/** The zero-setup twin of FilesystemBlobStore for `DATA_DIR=memory://`: blobs live as long as the process. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Blob>();

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.blobs.set(key, new Blob([bytes.slice()]));
  }

  async putStream(key: string, stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<number> {
    // Memory holds every blob whole anyway; the key changes only once the stream has ended within the limit.
    const chunks: Uint8Array[] = [];
    for await (const chunk of limitedChunks(stream, maxBytes)) chunks.push(chunk);
    const blob = new Blob(chunks);
    this.blobs.set(key, blob);
    return blob.size;
  }

  async get(key: string): Promise<Blob | null> {
    return this.blobs.get(key) ?? null;
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }
}
