import type { BlobStore, StoredBlob } from "../../domains/message/domain/blob-store";
import { limitedChunks } from "./blob-store-streams";
import type { S3Config } from "./config";

/** The error Bun's S3 client throws for an object that is not there (GET and HEAD). */
const isMissing = (error: unknown): boolean => {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return name === "S3Error" && (code === "NoSuchKey" || code === "NotFound");
};

/** Bun's S3 client for `config`: path-style `endpoint/bucket/key`, or virtual-hosted `bucket.endpoint/key`. */
export const createS3Client = (config: S3Config): Bun.S3Client => {
  const credentials = {
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    region: config.region,
    ...(config.sessionToken === undefined ? {} : { sessionToken: config.sessionToken }),
  };
  const endpoint = config.endpoint ?? `https://s3.${config.region}.amazonaws.com`;
  if (config.forcePathStyle) return new Bun.S3Client({ ...credentials, endpoint, bucket: config.bucket });
  // Bun's virtual-hosted style takes the bucket from the endpoint's host name.
  const url = new URL(endpoint);
  url.hostname = `${config.bucket}.${url.hostname}`;
  return new Bun.S3Client({ ...credentials, endpoint: url.origin, bucket: config.bucket, virtualHostedStyle: true });
};

/** S3's smallest part (all but the last), and how many may be uploading at once: ~10 MiB of a streamed upload in memory. */
const STREAM_PART_BYTES = 5 * 1024 * 1024;
const STREAM_PARTS_IN_FLIGHT = 2;

/**
 * Blobs as objects in an S3-compatible bucket, shared by every node that names it: one object per blob under
 * `keyPrefix`. A PUT is atomic (readers see the old object or the new one); Bun splits large bodies into a multipart
 * upload. Reads stream the object as the client takes it.
 */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly client: Bun.S3Client,
    private readonly keyPrefix = "",
  ) {}

  private objectKey(key: string): string {
    // Keys are ids the application makes: anything else is refused before it reaches the bucket.
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(key)) throw new Error(`unsafe blob key ${JSON.stringify(key)}`);
    return this.keyPrefix + key;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.write(this.objectKey(key), bytes, { type: "application/octet-stream" });
  }

  async putStream(key: string, stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<number> {
    const objectKey = this.objectKey(key);
    let size = 0;
    let failure: unknown;
    const chunks = limitedChunks(stream, maxBytes);
    // Bun uploads a streamed body as a multipart upload, a part at a time; the object appears only when it completes,
    // and a body that fails aborts the upload, so a stopped stream leaves the key as it was.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const next = await chunks.next();
            if (next.done) return controller.close();
            size += next.value.byteLength;
            controller.enqueue(next.value);
          } catch (error) {
            failure = error;
            controller.error(error);
          }
        },
        async cancel() {
          await chunks.return(undefined);
        },
      },
      { highWaterMark: 0 },
    );
    try {
      await this.client.write(objectKey, new Response(body), { type: "application/octet-stream", partSize: STREAM_PART_BYTES, queueSize: STREAM_PARTS_IN_FLIGHT });
    } catch (error) {
      // The client's own error for a failed body says less than the body's (too large, the upload cut off).
      throw failure ?? error;
    }
    if (failure) throw failure;
    return size;
  }

  async get(key: string): Promise<StoredBlob | null> {
    const file = this.client.file(this.objectKey(key));
    try {
      const { size } = await file.stat();
      return { size, stream: () => file.stream() };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.delete(this.objectKey(key));
    } catch (error) {
      // S3 answers 204 for an absent key; some compatible servers answer 404.
      if (!isMissing(error)) throw error;
    }
  }
}
