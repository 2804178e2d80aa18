import { isUtf8 } from "node:buffer";
import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Attachment, newAttachment, resolveContentType } from "../domain/attachment";
import { BlobTooLargeError } from "../domain/blob-store";
import { tooLarge } from "../domain/message-errors";
import type { MessageDeps } from "./message-deps";

/** A file as it arrives: its bytes are read once, from `stream`, while they are stored. */
export interface StreamedUploadInput {
  readonly filename: string;
  readonly stream: ReadableStream<Uint8Array>;
}

/**
 * How much of an upload's start is read before anything is stored: what magic-number detection and the image headers
 * need (a JPEG's frame header can follow tens of KiB of EXIF), and one chunk row of the PostgreSQL store.
 */
export const UPLOAD_HEAD_BYTES = 256 * 1024;

/** The bytes at the end of `bytes` that begin a UTF-8 sequence not complete yet (0 to 3). */
const incompleteTail = (bytes: Uint8Array): number => {
  for (let back = 1; back <= Math.min(3, bytes.byteLength); back++) {
    const byte = bytes[bytes.byteLength - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the sequence's lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
};

/**
 * Whether a file is text (valid UTF-8 without NUL bytes, as `resolveContentType` reads it), told a chunk at a time:
 * a sequence cut between two chunks is carried over to the next.
 */
const utf8TextCheck = () => {
  let text = true;
  let carried = new Uint8Array(0);
  return {
    take(chunk: Uint8Array): void {
      if (!text) return;
      const bytes = carried.byteLength === 0 ? chunk : Buffer.concat([carried, chunk]);
      const whole = bytes.byteLength - incompleteTail(bytes);
      text = !bytes.includes(0) && isUtf8(bytes.subarray(0, whole));
      carried = bytes.slice(whole);
    },
    isText: (): boolean => text && carried.byteLength === 0,
  };
};

/** The first `size` bytes or more of `reader` (all of it when shorter), and whether that was all. */
const readHead = async (reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> }, size: number): Promise<{ bytes: Uint8Array; ended: boolean }> => {
  const chunks: Uint8Array[] = [];
  let read = 0;
  while (read < size) {
    const next = await reader.read();
    if (next.done || !next.value) return { bytes: Buffer.concat(chunks), ended: true };
    chunks.push(next.value);
    read += next.value.byteLength;
  }
  return { bytes: Buffer.concat(chunks), ended: false };
};

type StreamDeps = Pick<MessageDeps, "repositories" | "blobs" | "detector" | "clock" | "ids" | "maxUploadBytes">;

/**
 * Stores one file as it arrives, as an unused upload of its uploader: the type is detected from its first
 * UPLOAD_HEAD_BYTES (images measured from them too), then every byte goes on to the blob store, which stops it past
 * MAX_UPLOAD_BYTES (413 40005) with nothing kept. Only then, with its size known, is its row written; an empty file is
 * refused (400 50035) before anything is stored. A failed row insert removes the bytes again.
 */
export const storeStreamedUpload = async (deps: StreamDeps, userId: Snowflake, channelId: Snowflake, input: StreamedUploadInput): Promise<Attachment> => {
  const reader = input.stream.getReader();
  const head = await readHead(reader, UPLOAD_HEAD_BYTES).catch(async (error: unknown) => {
    await reader.cancel().catch(() => {});
    throw error;
  });
  if (head.bytes.byteLength === 0) throw invalidField("file", "Cannot upload an empty file.");
  const id = deps.ids.next();
  const detected = await deps.detector.detect(head.bytes);
  // A detected type settles it; only a file without a magic number is read for whether it is text.
  const text = detected === undefined ? utf8TextCheck() : undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        text?.take(head.bytes);
        controller.enqueue(head.bytes);
        if (head.ended) controller.close();
      },
      async pull(controller) {
        const next = await reader.read();
        if (next.done) return controller.close();
        text?.take(next.value);
        controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  let size: number;
  try {
    size = await deps.blobs.putStream(id, body, deps.maxUploadBytes);
  } catch (error) {
    throw error instanceof BlobTooLargeError ? tooLarge(deps.maxUploadBytes) : error;
  }
  const attachment = newAttachment({
    id,
    channelId,
    uploaderId: userId,
    filename: input.filename,
    contentType: resolveContentType(detected, text?.isText() ?? false),
    size,
    head: head.bytes,
    description: null,
    createdAt: new Date(deps.clock.now()),
  });
  try {
    await deps.repositories.attachments.insert(attachment);
  } catch (error) {
    await deps.blobs.delete(id).catch(() => {});
    throw error;
  }
  return attachment;
};
