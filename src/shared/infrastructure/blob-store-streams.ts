import { BlobTooLargeError } from "../../domains/message/domain/blob-store";

/**
 * The chunks of `stream` as they arrive, for a BlobStore's `putStream`: throws BlobTooLargeError as soon as they add
 * up to more than `maxBytes` (the chunk that crosses the limit is not handed out). Whenever the consumer stops early
 * (the limit, its own failure) the stream is cancelled, so an upload behind it stops being read.
 */
export async function* limitedChunks(stream: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let size = 0;
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      size += value.byteLength;
      if (size > maxBytes) throw new BlobTooLargeError(maxBytes);
      yield value;
    }
  } finally {
    if (!ended) await reader.cancel().catch(() => {});
  }
}

/** The chunks of `source` cut and joined into pieces of exactly `size` bytes (the last one shorter; none when empty). */
export async function* rechunked(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of source) {
    for (let offset = 0; offset < chunk.byteLength; ) {
      const taken = Math.min(chunk.byteLength - offset, size - filled);
      buffer.set(chunk.subarray(offset, offset + taken), filled);
      filled += taken;
      offset += taken;
      if (filled === size) {
        yield buffer;
        // A fresh buffer: the consumer may still hold the one it was handed.
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}
