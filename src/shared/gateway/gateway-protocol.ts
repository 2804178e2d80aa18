import { Type as T, type Static } from "@sinclair/typebox";

/** Gateway opcodes (API.md "Gateway"). */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

/** Close codes (API.md "Gateway"). */
export const CloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
} as const;

export const GATEWAY_VERSION = 1;
export const HEARTBEAT_INTERVAL_MS = 41_250;
export const IDENTIFY_TIMEOUT_MS = 10_000;
/** A client is closed after missing heartbeats for 1.5 × the interval. */
export const HEARTBEAT_GRACE_FACTOR = 1.5;
export const FRAME_LIMIT = { limit: 120, periodMs: 60_000 } as const;
/** The largest client frame; IDENTIFY with a token is the biggest legitimate one. */
export const MAX_FRAME_BYTES = 4096;
/** Dispatches kept for a resume; a client further behind must re-identify. */
export const RESUME_BUFFER_LENGTH = 1000;

export interface Frame {
  readonly op: number;
  readonly d: unknown;
  readonly s: number | null;
  readonly t: string | null;
}

export const statuses = ["online", "idle", "dnd", "invisible"] as const;
export type PresenceStatusInput = (typeof statuses)[number];

const Snowflake = T.String({ pattern: "^[0-9]{1,20}$" });

/** The envelope every client frame must have; `d` is checked by the opcode's own schema. */
export const ClientFrame = T.Object(
  { op: T.Integer(), d: T.Optional(T.Unknown()), s: T.Optional(T.Union([T.Integer(), T.Null()])), t: T.Optional(T.Union([T.String(), T.Null()])) },
  { additionalProperties: false },
);

export const HeartbeatPayload = T.Union([T.Integer({ minimum: 0 }), T.Null()]);
export const IdentifyPayload = T.Object(
  {
    token: T.String({ minLength: 1, maxLength: 2048 }),
    properties: T.Optional(
      T.Object(
        { os: T.Optional(T.String({ maxLength: 64 })), browser: T.Optional(T.String({ maxLength: 64 })), device: T.Optional(T.String({ maxLength: 64 })) },
        { additionalProperties: false },
      ),
    ),
    presence: T.Optional(T.Object({ status: T.Union(statuses.map((s) => T.Literal(s))) }, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export const PresenceUpdatePayload = T.Object(
  { status: T.Union(statuses.map((s) => T.Literal(s))), since: T.Optional(T.Union([T.Integer(), T.Null()])), afk: T.Optional(T.Boolean()) },
  { additionalProperties: false },
);
export const VoiceStateUpdatePayload = T.Object(
  { guild_id: Snowflake, channel_id: T.Union([Snowflake, T.Null()]), self_mute: T.Boolean(), self_deaf: T.Boolean() },
  { additionalProperties: false },
);
export const ResumePayload = T.Object(
  { token: T.String({ minLength: 1, maxLength: 2048 }), session_id: T.String({ minLength: 1, maxLength: 64 }), seq: T.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export type IdentifyPayload = Static<typeof IdentifyPayload>;
export type PresenceUpdatePayload = Static<typeof PresenceUpdatePayload>;
export type VoiceStateUpdatePayload = Static<typeof VoiceStateUpdatePayload>;
export type ResumePayload = Static<typeof ResumePayload>;
