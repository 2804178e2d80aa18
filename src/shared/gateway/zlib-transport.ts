import zlib from "node:zlib";
import type { SessionSocket } from "./session-socket";

/** Bun's ServerWebSocket as a compressing socket needs it: binary frames besides text. */
export interface BinarySocket extends SessionSocket {
  sendBinary(data: Uint8Array): number;
}

/** Frames below this go as text under per-payload compression, as Discord sends small payloads. */
export const PAYLOAD_COMPRESSION_MIN_BYTES = 1024;

/** The zlib handle's synchronous interface (Node's and Bun's), which a Deflate stream wraps. */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
  close(): void;
}

const OUT_CHUNK = 16 * 1024;

/**
 * One zlib deflate context for a connection's whole life: each frame is compressed and flushed with Z_SYNC_FLUSH,
 * so it ends in 00 00 ff ff and the client inflates the concatenated stream frame by frame (Discord's
 * `compress=zlib-stream`). Synchronous, so frames keep their order and the session's send path stays as it is.
 * The context (about 256 KiB) is made only for connections that ask for it.
 */
export const zlibStream = () => {
  const stream = zlib.createDeflate({ level: 6 }) as unknown as { _handle: ZlibHandle; _writeState: Uint32Array };
  const handle = stream._handle;
  const state = stream._writeState;
  const out = Buffer.allocUnsafe(OUT_CHUNK);
  return {
    /** `text` compressed and flushed: the next piece of the stream. */
    deflate(text: string): Uint8Array {
      const input = Buffer.from(text);
      const parts: Buffer[] = [];
      let offset = 0;
      let remaining = input.length;
      for (;;) {
        handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, offset, remaining, out, 0, OUT_CHUNK);
        const [availableOut, availableIn] = [state[0]!, state[1]!];
        if (availableOut < OUT_CHUNK) parts.push(Buffer.from(out.subarray(0, OUT_CHUNK - availableOut)));
        offset += remaining - availableIn;
        remaining = availableIn;
        // zlib stops with output space left only once it consumed the input and flushed.
        if (availableOut !== 0) break;
      }
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    },
    close: () => handle.close(),
  };
};

/** `socket` sending every frame through one zlib stream, as binary frames. */
export const zlibStreamSocket = (socket: BinarySocket): SessionSocket & { readonly transportCompressed: true; end(): void } => {
  const stream = zlibStream();
  let ended = false;
  return {
    transportCompressed: true,
    // Once ended the socket is closed: nothing is sent, and nothing counts as dropped.
    sendText: (text) => (ended ? 1 : socket.sendBinary(stream.deflate(text))),
    cork: socket.cork ? (callback) => socket.cork!(callback) : undefined,
    getBufferedAmount: () => socket.getBufferedAmount(),
    close: (code, reason) => socket.close(code, reason),
    end() {
      if (ended) return;
      ended = true;
      stream.close();
    },
  };
};

/**
 * `socket` with IDENTIFY's `compress: true`: each payload of at least PAYLOAD_COMPRESSION_MIN_BYTES goes as its own
 * zlib-compressed binary frame (Discord's per-payload compression); smaller ones stay text, which clients accept.
 */
export const payloadCompressingSocket = (socket: SessionSocket): SessionSocket => {
  const binary = socket as Partial<BinarySocket>;
  if (typeof binary.sendBinary !== "function") return socket;
  const sendBinary = binary.sendBinary.bind(socket);
  return {
    sendText: (text) => (text.length < PAYLOAD_COMPRESSION_MIN_BYTES ? socket.sendText(text) : sendBinary(zlib.deflateSync(text))),
    cork: socket.cork ? (callback) => socket.cork!(callback) : undefined,
    getBufferedAmount: () => socket.getBufferedAmount(),
    close: (code, reason) => socket.close(code, reason),
  };
};
