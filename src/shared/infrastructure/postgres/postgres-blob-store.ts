import { and, eq } from "drizzle-orm";
import type { BlobStore, StoredBlob } from "../../../domains/message/domain/blob-store";
import { limitedChunks, rechunked } from "../blob-store-streams";
import { blobChunks, blobs } from "./blob-schema";
import type { Db } from "./database";

/** Bytes per chunk row: large enough that a 25 MiB file is 100 rows, small enough to hold one at a time. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

/**
 * Blobs in PostgreSQL, shared by every node on the database: chunks of BLOB_CHUNK_BYTES in `blob_chunks`, and a
 * `blobs` row naming the generation of chunks that is the blob's content (blob-schema.ts).
 *
 * Every statement carries one chunk at most, a streamed write inserts each chunk as soon as its bytes have arrived,
 * and a read fetches the next chunk only when the reader asks for it, so no path holds more than a chunk of the file
 * on top of what the caller has. A write's chunks are a new generation that becomes the content only once all are in
 * (a failed or cut-off write removes its own rows). No session state: plain statements
 * and one short transaction, nothing of the large-object API, so it works through PgBouncer in transaction mode.
 */
export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly db: Db,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const chunkBytes = this.chunkBytes;
    // Views, not copies: the driver encodes each before its insert resolves, and the next is taken only then.
    function* slices() {
      for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) yield bytes.subarray(offset, offset + chunkBytes);
    }
    await this.store(key, slices());
  }

  async putStream(key: string, stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<number> {
    // Cut into chunk rows as the bytes arrive: at most one chunk is held on top of the one being read.
    return this.store(key, rechunked(limitedChunks(stream, maxBytes), this.chunkBytes));
  }

  /** Writes `chunks` (each at most chunkBytes) as a new generation, then makes it the key's content; its size. */
  private async store(key: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<number> {
    const generation = crypto.randomUUID();
    let size = 0;
    try {
      // Each chunk its own statement, outside any transaction: a slow upload holds no connection between chunks.
      let seq = 0;
      for await (const data of chunks) {
        await this.db.insert(blobChunks).values({ key, generation, seq: seq++, data });
        size += data.byteLength;
      }
      // An empty blob is one empty chunk, so that every blob has a chunk 0.
      if (seq === 0) await this.db.insert(blobChunks).values({ key, generation, seq: 0, data: new Uint8Array(0) });
      await this.db.transaction(async (tx) => {
        // The row lock orders concurrent puts of one key: each removes exactly the generation it replaced.
        const [previous] = await tx.select({ generation: blobs.generation }).from(blobs).where(eq(blobs.key, key)).for("update");
        const row = { generation, size, chunkSize: this.chunkBytes };
        await tx.insert(blobs).values({ key, ...row }).onConflictDoUpdate({ target: blobs.key, set: row });
        if (previous) await tx.delete(blobChunks).where(and(eq(blobChunks.key, key), eq(blobChunks.generation, previous.generation)));
      });
      return size;
    } catch (error) {
      // Best effort: what is left of this generation goes with the key's next delete anyway.
      await this.db
        .delete(blobChunks)
        .where(and(eq(blobChunks.key, key), eq(blobChunks.generation, generation)))
        .catch(() => {});
      throw error;
    }
  }

  async get(key: string): Promise<StoredBlob | null> {
    const [row] = await this.db
      .select({ generation: blobs.generation, size: blobs.size, chunkSize: blobs.chunkSize })
      .from(blobs)
      .where(eq(blobs.key, key));
    if (!row) return null;
    const { generation, size, chunkSize } = row;
    const chunkCount = Math.max(1, Math.ceil(size / chunkSize));
    const db = this.db;
    return {
      size,
      stream: () => {
        let seq = 0;
        // Pull-driven: the next chunk is read when the consumer (the HTTP response) has taken the previous one.
        return new ReadableStream<Uint8Array>(
          {
            async pull(controller) {
              const [chunk] = await db
                .select({ data: blobChunks.data })
                .from(blobChunks)
                .where(and(eq(blobChunks.key, key), eq(blobChunks.generation, generation), eq(blobChunks.seq, seq)));
              const expected = Math.min(chunkSize, size - seq * chunkSize);
              // Replaced or deleted while being read: an error, never a silently shortened file.
              if (!chunk || chunk.data.byteLength !== expected) throw new Error(`blob ${key} changed while it was read (chunk ${seq})`);
              controller.enqueue(new Uint8Array(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength));
              seq++;
              if (seq === chunkCount) controller.close();
            },
          },
          { highWaterMark: 1 },
        );
      },
    };
  }

  async delete(key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(blobs).where(eq(blobs.key, key));
      // Every generation of the key: the current one and any a failed put left behind.
      await tx.delete(blobChunks).where(eq(blobChunks.key, key));
    });
  }
}
