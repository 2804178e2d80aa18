import busboy from "busboy";
import type { Readable } from "node:stream";
import { DomainError } from "../kernel/domain-error";
import { MalformedJsonError } from "./http-errors";

/** A file part of a multipart body handed over unread: its bytes arrive as `stream` is read. */
export interface StreamedFile {
  /** The part's field name. */
  readonly field: string;
  /** The filename the client gave ("" when none). */
  readonly filename: string;
  /**
   * The part's bytes, read from the request as they are asked for. It ends only at the boundary after the part, so a
   * body cut off mid-file errors the stream rather than ending it short.
   */
  readonly stream: ReadableStream<Uint8Array>;
  /** Stops reading the request (idempotent): for the route to run when done with the file, read whole or not. */
  close(): void;
}

/**
 * Only the first file part is streamed: later files are skipped unread by the parser, text fields are not kept, and
 * a form with more parts than a handful of fields and files is not a form any route reads.
 */
const LIMITS = { files: 1, fields: 16, parts: 32, fieldSize: 64 * 1024, headerPairs: 16 };

const unreadable = (reason: string) => new MalformedJsonError(`The multipart/form-data body could not be read: ${reason}.`);

/** A Node stream of the parser as a web stream; cancelling it stops the whole body being read. */
const webStreamOf = (file: Readable, stop: () => void): ReadableStream<Uint8Array> => {
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      async cancel() {
        stop();
        await chunks.return?.();
      },
    },
    { highWaterMark: 0 },
  );
};

/**
 * Reads a multipart/form-data `body` (with busboy) up to its first file part, and answers that part unread; undefined
 * when the form ends without a file. Nothing is buffered beyond the parser's window: the request is read only as fast
 * as the file's consumer takes its bytes. Errors of `body` itself (a size limit, a client gone) reach the consumer as
 * they are; a malformed form is a 400 50109.
 */
export const openFirstFile = (body: ReadableStream<Uint8Array> | null, contentType: string): Promise<StreamedFile | undefined> =>
  new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Filenames as browsers and fetch send them (raw UTF-8), whole: the domain's sanitizer makes them safe.
      parser = busboy({ headers: { "content-type": contentType }, limits: LIMITS, defParamCharset: "utf8", preservePath: true });
    } catch (error) {
      reject(unreadable((error as Error).message.replace(/\.$/, "")));
      return;
    }
    const reader = body?.getReader();
    let file: Readable | undefined;
    let stopped = false;
    // Ends the pump's wait for the parser. One per write, not a promise raced every time: a long-lived promise raced
    // against each read would keep every chunk reachable from its reactions until the request ended.
    let wake: (() => void) | undefined;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      wake?.();
      // A pending read resolves as done.
      reader?.cancel().catch(() => {});
    };
    const fail = (error: unknown) => {
      const reason = error instanceof DomainError || error instanceof MalformedJsonError ? error : unreadable(String((error as Error)?.message ?? error).replace(/\.$/, ""));
      if (file) file.destroy(reason);
      else reject(reason);
      stop();
    };
    parser.on("file", (field, stream, info) => {
      file = stream;
      resolve({
        field,
        filename: info.filename ?? "",
        stream: webStreamOf(stream, stop),
        close: () => {
          stop();
          stream.destroy();
        },
      });
    });
    parser.on("close", () => {
      if (!file) resolve(undefined);
    });
    parser.on("error", fail);
    const pump = async () => {
      if (!reader) return void parser.end();
      for (;;) {
        const read = await reader.read();
        if (stopped) return;
        if (read.done) return void parser.end();
        // The parser calls back only once the file's consumer has taken what it holds: the request waits meanwhile.
        await new Promise<void>((done, failed) => {
          wake = done;
          parser.write(read.value, (error) => (error ? failed(error) : done()));
        });
        wake = undefined;
        if (stopped) return;
      }
    };
    pump().catch(fail);
  });
