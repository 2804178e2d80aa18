/**
 * A WebSocket for tests that records every JSON message and the close, and waits for what a test expects: the
 * shared core of the gateway and voice signaling test clients.
 */
export interface RecordingSocket<M> {
  readonly socket: WebSocket;
  readonly messages: M[];
  /** The close code and reason, once closed. */
  closeInfo(): { code: number; reason: string } | undefined;
  /** Resolves with `probe`'s first defined value, re-checked on every message and on the close. */
  waitUntil<T>(probe: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
}

/** How a received WebSocket message becomes a recorded one: by default a text frame's JSON. */
export type MessageDecoder<M> = (data: string | ArrayBuffer) => M;

const decodeJson = <M>(data: string | ArrayBuffer): M => JSON.parse(String(data)) as M;

export const openRecordingSocket = async <M>(
  url: string,
  describe: (messages: readonly M[]) => string,
  decode: MessageDecoder<M> = decodeJson,
): Promise<RecordingSocket<M>> => {
  const socket = new WebSocket(url);
  // Binary frames (a zlib-stream) reach a custom decoder as bytes.
  if (decode !== decodeJson) socket.binaryType = "arraybuffer";
  const messages: M[] = [];
  let closeInfo: { code: number; reason: string } | undefined;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  socket.addEventListener("message", (message) => {
    messages.push(decode(message.data as string | ArrayBuffer));
    wake();
  });
  socket.addEventListener("close", (event) => {
    closeInfo = { code: event.code, reason: event.reason };
    wake();
  });
  await new Promise<void>((done, fail) => {
    socket.addEventListener("open", () => done(), { once: true });
    socket.addEventListener("error", () => fail(new Error(`connection to ${url} failed`)), { once: true });
  });

  const waitUntil = <T>(probe: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> =>
    new Promise((done, fail) => {
      const check = () => {
        const value = probe();
        if (value === undefined) return;
        cleanup();
        done(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${describe(messages)}${closeInfo ? `, closed ${closeInfo.code}` : ""}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return { socket, messages, closeInfo: () => closeInfo, waitUntil };
};
