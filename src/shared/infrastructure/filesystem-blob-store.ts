import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BlobStore } from "../../domains/message/domain/blob-store";

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
    const { dir, file } = this.path(key);
    await mkdir(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.${crypto.randomUUID()}.tmp`;
    try {
      await writeFile(temporary, bytes, { mode: 0o600 });
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
