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
  RequestGuildMembers: 8,
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
  InvalidShard: 4010,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

export const GATEWAY_VERSION = 1;
export const HEARTBEAT_INTERVAL_MS = 41_250;
export const IDENTIFY_TIMEOUT_MS = 10_000;
/** A client is closed after missing heartbeats for 1.5 × the interval. */
export const HEARTBEAT_GRACE_FACTOR = 1.5;
export const FRAME_LIMIT = { limit: 120, periodMs: 60_000 } as const;
/**
 * The largest client frame: Discord's own limit (4096 bytes), which IDENTIFY with a token, a presence and its
 * activities fits.
 */
export const MAX_FRAME_BYTES = 4096;
/** The gateway versions a client may ask for in `?v=`: XCord's own 1, and Discord's 6 to 10. */
export const ACCEPTED_VERSIONS: ReadonlySet<string> = new Set(["1", "6", "7", "8", "9", "10"]);
/** The version a bot's READY announces: Discord's current one. */
export const DISCORD_GATEWAY_VERSION = 10;
/** Shards a session may split a bot's guilds into. */
export const MAX_SHARDS = 1024;
/** Op 8 requests per session per window; more get a RATE_LIMITED dispatch. */
export const MEMBER_REQUEST_LIMIT = { limit: 10, periodMs: 10_000 } as const;
/** Members per GUILD_MEMBERS_CHUNK (Discord's). */
export const MEMBERS_PER_CHUNK = 1000;
/** The most members a `query` request returns, and the most `user_ids` (Discord's). */
export const MEMBER_QUERY_MAX = 100;
/** Activities a presence may carry. */
export const MAX_ACTIVITIES = 5;
/** Dispatches kept for a resume; a client further behind must re-identify. */
export const RESUME_BUFFER_LENGTH = 1000;

export interface Frame {
  readonly op: number;
  readonly d: unknown;
  readonly s: number | null;
  readonly t: string | null;
}

/** What a client may set; Discord's `offline` means `invisible` (discord.py sends it for Status.offline). */
export const statuses = ["online", "idle", "dnd", "invisible", "offline"] as const;
export type PresenceStatusInput = (typeof statuses)[number];

const Snowflake = T.String({ pattern: "^[0-9]{1,20}$" });
/** A snowflake as Discord takes it from clients: a string, or a JSON number (discord.py sends ints). */
const SnowflakeLike = T.Union([Snowflake, T.Integer({ minimum: 0 })]);
const Status = T.Union(statuses.map((s) => T.Literal(s)));

/** The envelope every client frame must have; `d` is checked by the opcode's own schema. */
export const ClientFrame = T.Object(
  { op: T.Integer(), d: T.Optional(T.Unknown()), s: T.Optional(T.Union([T.Integer(), T.Null()])), t: T.Optional(T.Union([T.String(), T.Null()])) },
  { additionalProperties: false },
);

/**
 * An activity a client sets (Discord's bot-settable fields are typed; other fields Discord's libraries send, such as
 * `timestamps`, `assets` or `emoji`, are accepted and not kept).
 */
export const ActivityInput = T.Object(
  {
    name: T.String({ minLength: 1, maxLength: 128 }),
    type: T.Optional(T.Integer({ minimum: 0, maximum: 5 })),
    url: T.Optional(T.Union([T.String({ maxLength: 512 }), T.Null()])),
    state: T.Optional(T.Union([T.String({ maxLength: 128 }), T.Null()])),
    details: T.Optional(T.Union([T.String({ maxLength: 128 }), T.Null()])),
  },
  { additionalProperties: true },
);
export type ActivityInput = Static<typeof ActivityInput>;

const presenceFields = {
  status: T.Optional(T.Union([Status, T.Null()])),
  since: T.Optional(T.Union([T.Number({ minimum: 0 }), T.Null()])),
  afk: T.Optional(T.Boolean()),
  activities: T.Optional(T.Array(ActivityInput, { maxItems: MAX_ACTIVITIES })),
};

export const HeartbeatPayload = T.Union([T.Integer({ minimum: 0 }), T.Null()]);
const property = T.Optional(T.String({ maxLength: 64 }));
export const IdentifyPayload = T.Object(
  {
    token: T.String({ minLength: 1, maxLength: 2048 }),
    properties: T.Optional(
      T.Object({ os: property, browser: property, device: property, $os: property, $browser: property, $device: property }, { additionalProperties: false }),
    ),
    // IDENTIFY's presence also takes discord.py's legacy `game` (one activity).
    presence: T.Optional(T.Object({ ...presenceFields, game: T.Optional(T.Union([ActivityInput, T.Null()])) }, { additionalProperties: false })),
    // Checked by the handler, so that bad bits close with 4013 and a bad shard with 4010, not 4002.
    intents: T.Optional(T.Integer()),
    shard: T.Optional(T.Array(T.Integer(), { minItems: 2, maxItems: 2 })),
    large_threshold: T.Optional(T.Integer({ minimum: 50, maximum: 250 })),
    compress: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);
export const PresenceUpdatePayload = T.Object(presenceFields, { additionalProperties: false });
export const VoiceStateUpdatePayload = T.Object(
  {
    guild_id: SnowflakeLike,
    channel_id: T.Union([SnowflakeLike, T.Null()]),
    self_mute: T.Boolean(),
    self_deaf: T.Boolean(),
    // Discord's own client sends it; XCord takes the camera state from the voice socket (voice.md) and ignores this.
    self_video: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);
export const ResumePayload = T.Object(
  { token: T.String({ minLength: 1, maxLength: 2048 }), session_id: T.String({ minLength: 1, maxLength: 64 }), seq: T.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export const RequestGuildMembersPayload = T.Object(
  {
    guild_id: SnowflakeLike,
    query: T.Optional(T.String({ maxLength: 100 })),
    limit: T.Optional(T.Integer({ minimum: 0 })),
    presences: T.Optional(T.Boolean()),
    user_ids: T.Optional(T.Union([SnowflakeLike, T.Array(SnowflakeLike, { maxItems: MEMBER_QUERY_MAX })])),
    // Longer than 32 bytes is ignored, as on Discord (the chunks then carry no nonce).
    nonce: T.Optional(T.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export type IdentifyPayload = Static<typeof IdentifyPayload>;
export type PresenceUpdatePayload = Static<typeof PresenceUpdatePayload>;
export type VoiceStateUpdatePayload = Static<typeof VoiceStateUpdatePayload>;
export type ResumePayload = Static<typeof ResumePayload>;
export type RequestGuildMembersPayload = Static<typeof RequestGuildMembersPayload>;

/** A snowflake a client sent as a string or a number, as a string. */
export const snowflakeOf = (value: string | number): string => (typeof value === "number" ? String(value) : value);
