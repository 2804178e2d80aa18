import { openRecordingSocket } from "./recording-socket";

/** A gateway client for tests: records every frame and waits for the ones a test expects. */
export interface GatewayFrame {
  readonly op: number;
  readonly d: any;
  readonly s: number | null;
  readonly t: string | null;
}

export interface GatewayClient {
  readonly frames: GatewayFrame[];
  readonly socket: WebSocket;
  send(frame: { op: number; d?: unknown }): void;
  sendRaw(text: string): void;
  /** Resolves with the first frame (from the start) matching `match` that was not taken before. */
  next(match: (frame: GatewayFrame) => boolean, what?: string, timeoutMs?: number): Promise<GatewayFrame>;
  dispatch(t: string, filter?: (d: any) => boolean, timeoutMs?: number): Promise<GatewayFrame>;
  /** Resolves with the close code and reason. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
  /** Dispatches with name `t` received so far. */
  dispatches(t?: string): GatewayFrame[];
  close(): void;
}

const wsUrl = (httpUrl: string) => `${httpUrl.replace(/^http/, "ws")}/gateway`;

export const connectGateway = async (httpUrl: string): Promise<GatewayClient> => {
  const { socket, messages: frames, closeInfo, waitUntil } = await openRecordingSocket<GatewayFrame>(wsUrl(httpUrl), (all) =>
    JSON.stringify(all.map((f) => f.t ?? f.op)),
  );
  const taken = new Set<GatewayFrame>();

  const client: GatewayClient = {
    frames,
    socket,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (text) => socket.send(text),
    next(match, what = "a frame", timeoutMs = 5000) {
      return waitUntil(
        () => {
          const frame = frames.find((candidate) => !taken.has(candidate) && match(candidate));
          if (frame) taken.add(frame);
          return frame;
        },
        what,
        timeoutMs,
      );
    },
    dispatch: (t, filter = () => true, timeoutMs = 5000) =>
      client.next((frame) => frame.op === 0 && frame.t === t && filter(frame.d), `dispatch ${t}`, timeoutMs),
    closed: (timeoutMs = 5000) => waitUntil(closeInfo, "the socket to close", timeoutMs),
    dispatches: (t) => frames.filter((frame) => frame.op === 0 && (t === undefined || frame.t === t)),
    close: () => socket.close(),
  };
  return client;
};

/** Connects, waits for HELLO, identifies and waits for READY. */
export const identify = async (httpUrl: string, token: string, presence?: { status: string }) => {
  const client = await connectGateway(httpUrl);
  await client.next((frame) => frame.op === 10, "HELLO");
  client.send({ op: 2, d: { token, properties: { os: "linux", browser: "xcord-tests", device: "xcord-tests" }, ...(presence ? { presence } : {}) } });
  const ready = await client.dispatch("READY");
  return { client, ready: ready.d as { session_id: string; user: { id: string }; guilds: unknown[]; presences: unknown[] } };
};

/** The gateway sessions a suite opens: each identified by connect(), all closed by closeAll() (in afterAll). */
export const gatewaySessions = (url: () => string) => {
  const clients: GatewayClient[] = [];
  return {
    /** Identifies `user` on the server at url(), READY awaited; the client is closed by closeAll(). */
    connect: async (user: { readonly access_token: string }) => {
      const session = await identify(url(), user.access_token);
      clients.push(session.client);
      return session;
    },
    /** Closes a client opened otherwise with the rest. */
    track: (client: GatewayClient) => void clients.push(client),
    closeAll: () => {
      for (const client of clients.splice(0)) client.close();
    },
  };
};
