import { Type as T, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Elysia } from "elysia";
import { isDomainError } from "../../../shared/kernel/domain-error";
import { ERROR_TABLE } from "../../../shared/presentation/error-table";
import type { Peer, PeerConnection, VoiceRooms } from "../application/voice-rooms";
import { VoiceClose } from "../domain/voice-close";

/** The largest signaling frame: RTP parameters and capabilities are a few KiB. */
export const MAX_VOICE_FRAME_BYTES = 16 * 1024;
const FRAME_LIMIT = { limit: 100, periodMs: 10_000 };

const Id = T.String({ minLength: 1, maxLength: 64 });
const Json = T.Record(T.String(), T.Unknown());
const Request = T.Object(
  { id: T.Integer({ minimum: 0, maximum: 2 ** 31 }), method: T.String({ maxLength: 32 }), data: T.Optional(T.Unknown()) },
  { additionalProperties: false },
);

type Handler = (peer: Peer, data: never) => Promise<unknown>;
const method = <S extends TSchema>(schema: S, handle: (peer: Peer, data: never) => Promise<unknown>) => ({
  check: TypeCompiler.Compile(schema),
  handle: handle as Handler,
});

/** The methods of docs/voice.md after `identify`, each with the schema of its `data`. */
const METHODS: Readonly<Record<string, ReturnType<typeof method>>> = {
  create_transport: method(T.Object({ direction: T.Union([T.Literal("send"), T.Literal("recv")]) }), (peer, data: { direction: "send" | "recv" }) =>
    peer.createTransport(data.direction),
  ),
  connect_transport: method(T.Object({ transport_id: Id, dtls_parameters: Json }), (peer, data: { transport_id: string; dtls_parameters: Record<string, unknown> }) =>
    peer.connectTransport(data.transport_id, data.dtls_parameters),
  ),
  produce: method(
    T.Object({ transport_id: Id, kind: T.Union([T.Literal("audio"), T.Literal("video")]), rtp_parameters: Json }),
    (peer, data: { transport_id: string; kind: "audio" | "video"; rtp_parameters: Record<string, unknown> }) =>
      peer.produce(data.transport_id, data.kind, data.rtp_parameters),
  ),
  close_producer: method(T.Object({ producer_id: Id }), (peer, data: { producer_id: string }) => peer.closeProducer(data.producer_id)),
  consume: method(T.Object({ rtp_capabilities: Json }), (peer, data: { rtp_capabilities: Record<string, unknown> }) => peer.consume(data.rtp_capabilities)),
  resume_consumer: method(T.Object({ consumer_id: Id }), (peer, data: { consumer_id: string }) => peer.resumeConsumer(data.consumer_id)),
  pause_consumer: method(T.Object({ consumer_id: Id }), (peer, data: { consumer_id: string }) => peer.pauseConsumer(data.consumer_id)),
  set_preferred_layers: method(
    T.Object({ consumer_id: Id, spatial_layer: T.Integer({ minimum: 0, maximum: 2 }), temporal_layer: T.Optional(T.Integer({ minimum: 0, maximum: 2 })) }),
    (peer, data: { consumer_id: string; spatial_layer: number; temporal_layer?: number }) =>
      peer.setPreferredLayers(data.consumer_id, { spatialLayer: data.spatial_layer, temporalLayer: data.temporal_layer ?? 2 }),
  ),
  ping: method(T.Object({}), async () => ({})),
};
const checkRequest = TypeCompiler.Compile(Request);
const checkIdentify = TypeCompiler.Compile(T.Object({ token: T.String({ minLength: 1, maxLength: 256 }) }));

interface Connection {
  peer: Peer | undefined;
  identifying: boolean;
  frames: number[];
  /** Requests run one after another, so a client may pipeline them (identify, then create_transport, ...). */
  queue: Promise<void>;
  readonly timeout: ReturnType<typeof setTimeout>;
  readonly socket: PeerConnection & { reply(message: unknown): void };
}

const errorBody = (error: unknown) => {
  if (isDomainError(error)) {
    const { status, code } = ERROR_TABLE[error.code];
    return { status, code, message: error.message };
  }
  // The SFU refuses malformed WebRTC parameters with TypeError/Error: the client's input, not our fault.
  return { status: 400, code: 50035, message: error instanceof Error ? error.message.slice(0, 300) : "Invalid request" };
};

/**
 * The voice signaling WebSocket at /voice (docs/voice.md): identify with the token of VOICE_SERVER_UPDATE, then
 * negotiate transports, produce and consume. Answers 503 before the upgrade while this node's SFU is unavailable.
 */
export const voiceSignalingRoutes = (deps: {
  readonly rooms: VoiceRooms;
  readonly available: () => boolean;
  readonly identifyTimeoutMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}) => {
  const connections = new Map<string, Connection>();

  const handle = async (connection: Connection, raw: unknown) => {
    const { socket } = connection;
    const now = deps.now();
    connection.frames = connection.frames.filter((at) => now - at < FRAME_LIMIT.periodMs);
    connection.frames.push(now);
    if (connection.frames.length > FRAME_LIMIT.limit) return socket.close(VoiceClose.RateLimited, "Rate limited");
    const request = decode(raw);
    if (!request) return socket.close(VoiceClose.DecodeError, "Decode error");
    const data = request.data ?? {};
    const reply = (result: { ok: true; data: unknown } | { ok: false; error: unknown }) => socket.reply({ id: request.id, ...result });

    if (request.method === "identify") {
      if (connection.peer || connection.identifying) return socket.close(VoiceClose.AlreadyAuthenticated, "Already identified");
      if (!checkIdentify.Check(data)) return reply({ ok: false, error: { status: 400, code: 50035, message: "identify needs { token }" } });
      connection.identifying = true;
      try {
        const { peer, ready } = await deps.rooms.identify(data.token, socket);
        clearTimeout(connection.timeout);
        if (!connections.has(socketKey(socket))) return void peer.room.remove(peer); // closed while identifying
        connection.peer = peer;
        return reply({ ok: true, data: ready });
      } catch (error) {
        if (isDomainError(error) && error.code === "UNAUTHORIZED") return socket.close(VoiceClose.AuthenticationFailed, error.message);
        connection.identifying = false;
        if (!isDomainError(error)) deps.onError(error, { what: "voice identify" });
        return reply({ ok: false, error: errorBody(error) });
      }
    }
    const peer = connection.peer;
    if (!peer) return socket.close(VoiceClose.NotAuthenticated, "Not identified");
    // Own keys only: "constructor" or "toString" must be unknown methods, not Object.prototype's.
    const target = Object.hasOwn(METHODS, request.method) ? METHODS[request.method] : undefined;
    if (!target) return reply({ ok: false, error: { status: 400, code: 50035, message: `Unknown method ${request.method.slice(0, 32)}` } });
    if (!target.check.Check(data)) return reply({ ok: false, error: { status: 400, code: 50035, message: `Invalid data for ${request.method}` } });
    try {
      reply({ ok: true, data: await target.handle(peer, data as never) });
    } catch (error) {
      reply({ ok: false, error: errorBody(error) });
    }
  };

  const routes = new Elysia({ name: "xcord.voice-signaling" }).ws("/voice", {
    detail: { hide: true },
    beforeHandle({ status }) {
      if (!deps.available()) return status(503, { code: 0, message: "Voice is unavailable on this node" });
    },
    open(ws) {
      const socket = {
        id: ws.id,
        notify: (event: string, data: unknown) => void ws.raw.sendText(JSON.stringify({ event, data })),
        reply: (message: unknown) => void ws.raw.sendText(JSON.stringify(message)),
        close: (code: number, reason: string) => ws.raw.close(code, reason),
      };
      const timeout = setTimeout(() => {
        if (!connections.get(ws.id)?.peer) socket.close(VoiceClose.NotAuthenticated, "Not identified");
      }, deps.identifyTimeoutMs);
      timeout.unref?.();
      connections.set(ws.id, { peer: undefined, identifying: false, frames: [], queue: Promise.resolve(), timeout, socket });
    },
    message(ws, message) {
      const connection = connections.get(ws.id);
      if (!connection) return;
      connection.queue = connection.queue
        .then(() => (connections.has(ws.id) ? handle(connection, message) : undefined))
        .catch((error: unknown) => {
          deps.onError(error, { what: "voice signaling" });
          connection.socket.close(4000, "Unknown error");
        });
    },
    close(ws) {
      const connection = connections.get(ws.id);
      if (!connection) return;
      connections.delete(ws.id);
      clearTimeout(connection.timeout);
      if (connection.peer) connection.peer.room.remove(connection.peer);
    },
  });
  return {
    routes,
    /** Shutdown: every client is told to reconnect (op 4 again finds a live node) and its socket closed. */
    closeAll() {
      for (const { socket } of connections.values()) {
        socket.notify("reconnect", { reason: "The voice server is shutting down" });
        socket.close(VoiceClose.Reconnect, "Reconnect");
      }
    },
  };
};

const socketKey = (socket: PeerConnection) => (socket as unknown as { id: string }).id;

/**
 * A request frame: a JSON object `{ id, method, data? }` within the size limit. Elysia parses JSON text frames
 * itself, so anything that is not an object by now (invalid JSON, a string literal, binary) is a decode error.
 */
const decode = (raw: unknown): { id: number; method: string; data?: unknown } | undefined => {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw) || raw instanceof Uint8Array || raw instanceof ArrayBuffer) return undefined;
  if (JSON.stringify(raw).length > MAX_VOICE_FRAME_BYTES) return undefined;
  return checkRequest.Check(raw) ? (raw as { id: number; method: string; data?: unknown }) : undefined;
};
