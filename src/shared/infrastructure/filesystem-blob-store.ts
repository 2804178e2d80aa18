import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "../../domains/message/domain/blob-store";
import { limitedChunks } from "./blob-store-streams";

const SAFE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Blobs as files under `root` (DATA_DIR/attachments), spread over 256 subdirectories by the key's last characters
 * so no directory grows huge. Writes go to a temporary file first and are renamed into place, so a reader never
 * sees half a file. Several nodes need a shared DATA_DIR (or a shared-storage adapter) to serve each other's files.
 */
export class FilesystemBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  private path(key: string): { dir: string; file: string } {
    // Keys are ids the application makes; refusing anything else keeps paths inside `root` whatever happens.
    if (!SAFE_KEY.test(key)) throw new Error(`unsafe blob key ${JSON.stringify(key)}`);
    const dir = join(this.root, key.slice(-2).padStart(2, "0"));
    return { dir, file: join(dir, key) };
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.viaTemporary(key, (temporary) => writeFile(temporary, bytes, { mode: 0o600 }));
  }

  async putStream(key: string, stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<number> {
    let size = 0;
    await this.viaTemporary(key, async (temporary) => {
      const file = await open(temporary, "wx", 0o600);
      try {
        // Each chunk written before the next is read: the upload's pace is the disk's.
        for await (const chunk of limitedChunks(stream, maxBytes)) {
          await file.write(chunk);
          size += chunk.byteLength;
        }
      } finally {
        await file.close();
      }
    });
    return size;
  }

  /** Writes a temporary file beside the blob with `write` and renames it into place; removes it if anything fails. */
  private async viaTemporary(key: string, write: (temporary: string) => Promise<void>): Promise<void> {
    const { dir, file } = this.path(key);
    await mkdir(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
    try {
      await write(temporary);
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Blob | null> {
    const file = Bun.file(this.path(key).file);
    return (await file.exists()) ? file : null;
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key).file, { force: true });
  }
}
