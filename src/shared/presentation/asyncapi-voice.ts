import { SnowflakeString as Snowflake } from "./schema-types";
import { Type as T, type TSchema } from "@sinclair/typebox";
import { MAX_VOICE_FRAME_BYTES, VoiceClose } from "../../domains/voice";
import type { MessageDoc } from "./asyncapi-gateway";

/**
 * The voice signaling socket's messages for the AsyncAPI document (asyncapi.ts): requests `{ id, method, data }`,
 * responses `{ id, ok, data | error }` and notifications `{ event, data }`. The prose is docs/voice.md.
 */

const Id = T.String({ minLength: 1, maxLength: 64 });
const Opaque = (description: string) => T.Record(T.String(), T.Unknown(), { description });
const RequestId = T.Integer({ minimum: 0, maximum: 2 ** 31, description: "chosen by the client; echoed in the response" });
const Empty = T.Object({}, { additionalProperties: false });

const Participant = T.Object(
  {
    user_id: Snowflake,
    self_mute: T.Boolean(),
    self_deaf: T.Boolean(),
    mute: T.Boolean({ description: "server mute" }),
    deaf: T.Boolean({ description: "server deafen" }),
    suppress: T.Boolean({ description: "joined without SPEAK: may listen, not send" }),
    producing: T.Boolean({ description: "sends microphone audio" }),
    speaking: T.Boolean(),
    self_video: T.Boolean({ description: "sends camera video (as in VOICE_STATE_UPDATE)" }),
  },
  { title: "VoiceParticipant" },
);

const Kind = T.Union([T.Literal("audio"), T.Literal("video")]);
const Layers = T.Union([T.Object({ spatial_layer: T.Integer({ minimum: 0, maximum: 2 }), temporal_layer: T.Integer({ minimum: 0, maximum: 2 }) }), T.Null()], {
  description: "simulcast layers: spatial 0 is the lowest resolution; null for audio, or while nothing is forwarded",
});

/** One request of the voice socket: its `data` and what a successful response carries. */
interface VoiceMethodDoc {
  readonly method: string;
  readonly summary: string;
  readonly data: TSchema;
  readonly result: TSchema;
}

/** Every method of the voice signaling socket (voice-signaling.ts), `identify` first. */
const VOICE_METHODS: readonly VoiceMethodDoc[] = [
  {
    method: "identify",
    summary: "Authenticates with the token of VOICE_SERVER_UPDATE; the first request, within 10 s of opening",
    data: T.Object({ token: T.String({ minLength: 1, maxLength: 256 }) }),
    result: T.Object({
      user_id: Snowflake,
      guild_id: Snowflake,
      channel_id: Snowflake,
      rtp_capabilities: Opaque("the router's RTP capabilities: load the mediasoup-client Device with them"),
      participants: T.Array(Participant, { description: "everyone in the room, the caller included" }),
    }),
  },
  {
    method: "create_transport",
    summary: "Creates the send or the receive WebRTC transport (one of each per connection)",
    data: T.Object({ direction: T.Union([T.Literal("send"), T.Literal("recv")]) }),
    result: T.Object({
      transport: T.Object({
        id: T.String(),
        iceParameters: Opaque("ICE parameters"),
        iceCandidates: T.Array(Opaque("ICE candidate")),
        dtlsParameters: Opaque("DTLS parameters"),
      }),
    }),
  },
  {
    method: "connect_transport",
    summary: "Gives the server the client's DTLS parameters (mediasoup-client's transport 'connect' event)",
    data: T.Object({ transport_id: Id, dtls_parameters: Opaque("mediasoup-client's dtlsParameters") }),
    result: Empty,
  },
  {
    method: "produce",
    summary:
      "Sends the microphone (kind audio, one encoding; 403 50013 when suppressed) or the camera (kind video, VP8 or H.264, up to three simulcast encodings; 403 50013 without STREAM); one producer of each kind per connection",
    data: T.Object({ transport_id: Id, kind: Kind, rtp_parameters: Opaque("mediasoup-client's rtpParameters") }),
    result: T.Object({ producer_id: T.String() }),
  },
  {
    method: "close_producer",
    summary: "Stops one of your producers (camera off: self_video becomes false); its consumers end with consumer_closed",
    data: T.Object({ producer_id: Id }),
    result: Empty,
  },
  {
    method: "consume",
    summary: "Receives everyone else's audio and video from now on, each producer announced by consumer_new",
    data: T.Object({ rtp_capabilities: Opaque("the Device's rtpCapabilities") }),
    result: Empty,
  },
  { method: "resume_consumer", summary: "Starts receiving one consumer (audio: refused while deafened)", data: T.Object({ consumer_id: Id }), result: Empty },
  {
    method: "pause_consumer",
    summary: "Stops receiving one consumer until resume_consumer (a video tile nobody sees)",
    data: T.Object({ consumer_id: Id }),
    result: Empty,
  },
  {
    method: "set_preferred_layers",
    summary: "The highest simulcast layers a video consumer should get; the SFU forwards the best its bandwidth estimate allows at or below them",
    data: T.Object({ consumer_id: Id, spatial_layer: T.Integer({ minimum: 0, maximum: 2 }), temporal_layer: T.Optional(T.Integer({ minimum: 0, maximum: 2, default: 2 })) }),
    result: Empty,
  },
  { method: "ping", summary: "Keep-alive and round-trip probe", data: Empty, result: Empty },
];

/** The request and success-response messages of each voice method. */
export const voiceMethodMessages: ReadonlyArray<{ readonly method: string; readonly request: MessageDoc; readonly response: MessageDoc }> = VOICE_METHODS.map(
  (doc) => ({
    method: doc.method,
    request: {
      name: `voice.${doc.method}.request`,
      title: doc.method,
      summary: doc.summary,
      payload: T.Object({ id: RequestId, method: T.Literal(doc.method), data: doc.data }, { additionalProperties: false }),
    },
    response: {
      name: `voice.${doc.method}.response`,
      title: `${doc.method} response`,
      summary: `A successful ${doc.method}`,
      payload: T.Object({ id: RequestId, ok: T.Literal(true), data: doc.result }),
    },
  }),
);

/** A failed request, whichever the method. */
export const voiceErrorMessage: MessageDoc = {
  name: "voice.error",
  title: "error response",
  summary: "A refused request: the REST status and code the same failure would get",
  payload: T.Object(
    {
      id: RequestId,
      ok: T.Literal(false),
      error: T.Object({ status: T.Integer({ description: "HTTP status of the same failure in REST" }), code: T.Integer(), message: T.String() }),
    },
  ),
};

const NOTIFICATIONS: ReadonlyArray<readonly [event: string, data: TSchema, summary: string]> = [
  ["participant_joined", Participant, "Someone joined the room."],
  ["participant_left", T.Object({ user_id: Snowflake }), "Someone left the room."],
  ["participant_updated", Participant, "Someone's mute, deafen, suppress, producing or self_video changed."],
  [
    "consumer_new",
    T.Object({
      consumer_id: T.String(),
      producer_id: T.String(),
      user_id: Snowflake,
      kind: Kind,
      rtp_parameters: Opaque("for mediasoup-client's recvTransport.consume"),
    }),
    "A paused consumer of someone's audio or camera: consume it on the receive transport, then resume_consumer.",
  ],
  [
    "consumer_layers",
    T.Object({ consumer_id: T.String(), layers: Layers }),
    "The layers a video consumer forwards changed (bandwidth estimate, set_preferred_layers, the sender's layers).",
  ],
  ["consumer_closed", T.Object({ consumer_id: T.String(), user_id: Snowflake }), "A consumer ended (its producer or transport went away)."],
  ["speaking", T.Object({ user_id: Snowflake, speaking: T.Boolean() }), "A participant started or stopped speaking."],
  [
    "stats",
    T.Object({
      participants: T.Array(
        T.Object({
          user_id: Snowflake,
          kind: Kind,
          score: T.Number({ description: "0–10, 10 is perfect" }),
          packet_loss: T.Number({ description: "fraction lost, 0–1" }),
          jitter_ms: T.Number(),
          bitrate: T.Number({ description: "bits per second" }),
          packets: T.Number({ description: "received so far" }),
        }),
        { description: "one per producer: how it reaches the server (video: its simulcast layers together)" },
      ),
      consumers: T.Array(
        T.Object({
          consumer_id: T.String(),
          user_id: Snowflake,
          kind: Kind,
          paused: T.Boolean(),
          score: T.Number({ description: "0–10: the stream sent to you" }),
          producer_score: T.Number({ description: "0–10: the stream forwarded, as it reaches the server" }),
          layers: Layers,
          preferred_layers: Layers,
        }),
        { description: "your own consumers" },
      ),
    }),
    "Every VOICE_STATS_INTERVAL_MS: the quality of each producer's incoming media, and of your consumers.",
  ],
  ["reconnect", T.Object({ reason: T.String() }), "The room moved or the server is stopping: the socket closes with 4015 next; open it again."],
];

/** The notifications the server sends on the voice socket: `{ event, data }`. */
export const voiceNotifications: readonly MessageDoc[] = NOTIFICATIONS.map(([event, data, summary]) => ({
  name: `voice.event.${event}`,
  title: event,
  summary,
  payload: T.Object({ event: T.Literal(event), data }),
}));

/** 4000 is not in VoiceClose: the socket sends it on an unexpected server error. */
export const VOICE_UNKNOWN_ERROR = 4000;

/** What each voice signaling close code means (docs/voice.md). */
export const voiceCloseCodes: { readonly [K in keyof typeof VoiceClose]: string } = {
  DecodeError: `not a JSON object, over ${MAX_VOICE_FRAME_BYTES} bytes, or not a request \`{ id, method, data? }\``,
  NotAuthenticated: "a method before identify, or no identify within 10 s",
  AuthenticationFailed: "unknown or expired voice token, or the voice state no longer matches it: send op 4 again",
  AlreadyAuthenticated: "a second identify",
  SessionEnded: "the voice state ended or moved: left, switched channel, disconnected, joined from another session, channel deleted",
  RateLimited: "more than 100 requests in 10 s",
  Reconnect: "after the reconnect notification: open the socket again with the same token",
};

export { VoiceClose };
