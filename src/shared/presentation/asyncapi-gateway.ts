import { SnowflakeString as Snowflake, Timestamp } from "./schema-types";
import { Type as T, type TSchema } from "@sinclair/typebox";
import { ChannelBody, ThreadMemberBody } from "../../domains/channel";
import { AuditLogEntryBody, EmojiBody, GuildBody, InviteBody, MemberBody, RoleBody } from "../../domains/guild";
import { CurrentUserBody, RelationshipBody, UserBody } from "../../domains/identity";
import { MessageBody } from "../../domains/message";
import { VoiceStateBody } from "../../domains/voice";
import {
  CloseCode,
  FRAME_LIMIT,
  GATEWAY_VERSION,
  HeartbeatPayload,
  IdentifyPayload,
  MAX_FRAME_BYTES,
  Op,
  PresenceUpdatePayload,
  RequestGuildMembersPayload,
  ResumePayload,
  VoiceStateUpdatePayload,
  DISCORD_GATEWAY_VERSION,
  MEMBER_REQUEST_LIMIT,
} from "../gateway/gateway-protocol";

/**
 * The gateway's messages for the AsyncAPI document (asyncapi.ts). Payloads reuse the protocol's own schemas and the
 * REST schemas of the objects events carry; the opcode and close-code tables are keyed by the protocol's constants,
 * so a new opcode or close code is a type error here until it is documented. The prose is docs/gateway.md.
 */

/** One message of a socket: its key in the document, a title and what it means, and its payload schema. */
export interface MessageDoc {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly payload: TSchema;
}

/** A frame the client sends: `s` and `t` may be left out (they are ignored), nothing else may be added. */
const clientFrame = (op: number, d: TSchema) =>
  T.Object(
    { op: T.Literal(op), d, s: T.Optional(T.Union([T.Integer(), T.Null()])), t: T.Optional(T.Union([T.String(), T.Null()])) },
    { additionalProperties: false },
  );

/** A frame the server sends other than a dispatch: `s` and `t` are null. */
const serverFrame = (op: number, d: TSchema) => T.Object({ op: T.Literal(op), d, s: T.Null(), t: T.Null() });

/** A dispatch: op 0, the session's next sequence number, the event name and its payload. */
const dispatchFrame = (t: string, d: TSchema) =>
  T.Object({ op: T.Literal(Op.Dispatch), d, s: T.Integer({ minimum: 1, description: "this session's sequence number, +1 per dispatch" }), t: T.Literal(t) });

const withGuild = (properties: Record<string, TSchema>) => T.Object({ ...properties, guild_id: Snowflake });
const inChannel = { channel_id: Snowflake, guild_id: T.Optional(Snowflake) };
const { channels: _channels, emojis: _emojis, ...guildFields } = GuildBody.properties;
const Emoji = T.Union([
  T.Object({ id: T.Null(), name: T.String({ description: "the unicode emoji" }) }),
  T.Object({ id: Snowflake, name: T.String({ description: "a guild's custom emoji" }), animated: T.Boolean() }),
]);
const VisibleStatus = T.Union([T.Literal("online"), T.Literal("idle"), T.Literal("dnd"), T.Literal("offline")]);

/** A guild as READY and GUILD_CREATE carry it: roles, the channels the receiver can view, and the member count. */
/** A thread as READY and GUILD_CREATE list it: with the receiver's thread `member` when they joined it. */
// The member's fields copied, not the titled schema: an optional copy of it would be a second "ThreadMember".
const ThreadMemberField = T.Optional(T.Object(ThreadMemberBody.properties, { description: "the receiver's thread member, when they joined it" }));
const GatewayThread = T.Object({ ...ChannelBody.properties, member: ThreadMemberField }, { title: "GatewayThread" });
/** A guild as READY and GUILD_CREATE carry it: roles, the channels and active threads the receiver can view, and the member count. */
const GatewayGuild = T.Object(
  { ...GuildBody.properties, member_count: T.Integer({ minimum: 1 }), threads: T.Array(GatewayThread, { description: "the active threads the receiver can see" }) },
  { title: "GatewayGuild" },
);
const ReadState = T.Object(
  { channel_id: Snowflake, last_message_id: T.Union([Snowflake, T.Null()]), mention_count: T.Integer({ minimum: 0 }) },
  { title: "ReadState" },
);
const Activity = T.Object(
  {
    name: T.String(),
    type: T.Integer({ minimum: 0, maximum: 5, description: "0 playing, 1 streaming, 2 listening, 3 watching, 4 custom, 5 competing" }),
    url: T.Optional(T.String()),
    state: T.Optional(T.String()),
    details: T.Optional(T.String()),
    created_at: T.Integer({ description: "when it was set, ms since the epoch" }),
  },
  { title: "Activity" },
);
const Presence = T.Object(
  {
    user: T.Object({ id: Snowflake }),
    status: VisibleStatus,
    activities: T.Array(Activity),
    client_status: T.Object({ desktop: T.Optional(VisibleStatus) }, { description: "XCord reports every session as desktop" }),
    guild_id: T.Optional(Snowflake),
  },
  { title: "Presence" },
);
const GatewayMember = T.Object(
  { ...MemberBody.properties, deaf: T.Boolean(), mute: T.Boolean(), flags: T.Integer(), pending: T.Boolean() },
  { title: "GatewayMember" },
);
/** A bot's GUILD_CREATE: the guild complete, as Discord sends it after a bot's READY and when a bot joins. */
const BotGuild = T.Object(
  {
    ...GatewayGuild.properties,
    joined_at: T.Union([Timestamp, T.Null()]),
    large: T.Boolean({ description: "member_count above the session's large_threshold" }),
    members: T.Array(GatewayMember, { description: "every member of a guild that is not large, else the bot alone" }),
    presences: T.Array(Presence, { description: "of the members listed, with GUILD_PRESENCES" }),
    voice_states: T.Array(VoiceStateBody),
    stickers: T.Array(T.Never()),
    stage_instances: T.Array(T.Never()),
    guild_scheduled_events: T.Array(T.Never()),
    soundboard_sounds: T.Array(T.Never()),
    unavailable: T.Literal(false),
  },
  { title: "BotGuild" },
);
const VoiceCall = T.Object({ id: Snowflake, guild_id: Snowflake, channel_id: Snowflake, started_at: Timestamp }, { title: "VoiceCall" });

const Ready = T.Object(
  {
    v: T.Literal(GATEWAY_VERSION),
    session_id: T.String({ description: "the gateway session: keep it for RESUME" }),
    resume_gateway_url: T.String({ description: "ws:// or wss:// URL to resume at (any node will do)" }),
    user: CurrentUserBody,
    guilds: T.Array(GatewayGuild),
    private_channels: T.Array(ChannelBody, { description: "the user's DM channels" }),
    relationships: T.Array(RelationshipBody, { description: "the user's friends, friend requests and blocks" }),
    read_state: T.Array(ReadState),
    presences: T.Array(Presence, { description: "peers in guilds that are not large, except offline ones and the user" }),
    voice_states: T.Array(VoiceStateBody, { description: "who is in the voice channels the user can see" }),
  },
  { title: "Ready" },
);

/** A bot's READY (Discord's): its guilds unavailable until their GUILD_CREATE, its application. */
const BotReady = T.Object(
  {
    v: T.Literal(DISCORD_GATEWAY_VERSION),
    user: CurrentUserBody,
    guilds: T.Array(T.Object({ id: Snowflake, unavailable: T.Literal(true) })),
    session_id: T.String(),
    session_type: T.Literal("normal"),
    resume_gateway_url: T.String(),
    shard: T.Optional(T.Tuple([T.Integer({ minimum: 0 }), T.Integer({ minimum: 1 })])),
    application: T.Object({ id: Snowflake, flags: T.Integer() }),
    private_channels: T.Array(T.Never()),
    relationships: T.Array(T.Never()),
    presences: T.Array(T.Never()),
    guild_join_requests: T.Array(T.Never()),
    geo_ordered_rtc_regions: T.Array(T.Never()),
    user_settings: T.Object({}),
    auth: T.Object({}),
  },
  { title: "BotReady" },
);

const MembersChunk = T.Object(
  {
    guild_id: Snowflake,
    members: T.Array(GatewayMember, { maxItems: 1000 }),
    chunk_index: T.Integer({ minimum: 0 }),
    chunk_count: T.Integer({ minimum: 1 }),
    not_found: T.Optional(T.Array(Snowflake, { description: "requested user_ids that are not members (first chunk)" })),
    presences: T.Optional(T.Array(Presence, { description: "when the request asked for presences" })),
    nonce: T.Optional(T.String({ maxLength: 32 })),
  },
  { title: "GuildMembersChunk" },
);

/** Every dispatch (`t`) the gateway sends: its payload and who receives it. */
const DISPATCHES: ReadonlyArray<readonly [t: string, d: TSchema, receivers: string]> = [
  [
    "READY",
    T.Union([Ready, BotReady]),
    "The answer to IDENTIFY: for a user, the whole state a client starts from (Ready); for a bot, Discord's (BotReady), followed by one GUILD_CREATE per guild. Not kept for RESUME.",
  ],
  ["RESUMED", T.Object({}), "Sent after a RESUME once every missed dispatch was replayed; `d` is an empty object, as Discord's. Not kept for RESUME."],
  [
    "GUILD_CREATE",
    T.Union([GatewayGuild, BotGuild]),
    "To the user's own sessions when they create or join a guild; the session then hears that guild. A bot gets one per guild after READY (BotGuild).",
  ],
  [
    "GUILD_MEMBERS_CHUNK",
    MembersChunk,
    "To the session whose op 8 asked: the matching members, 1000 per chunk (one chunk when none match).",
  ],
  [
    "RATE_LIMITED",
    T.Object({ opcode: T.Literal(Op.RequestGuildMembers), retry_after: T.Number({ description: "seconds" }), meta: T.Object({ guild_id: Snowflake, nonce: T.Optional(T.String()) }) }),
    `To a session sending op 8 more than ${MEMBER_REQUEST_LIMIT.limit} times in ${MEMBER_REQUEST_LIMIT.periodMs / 1000} s: the request was dropped.`,
  ],
  ["GUILD_UPDATE", withGuild(guildFields), "To every member: the guild's name, icon, owner or roles changed."],
  ["GUILD_DELETE", T.Object({ id: Snowflake }), "To every member when the guild is deleted; to a user's own sessions when they leave or are kicked or banned."],
  ["GUILD_MEMBER_ADD", withGuild(MemberBody.properties), "To the other members when someone joins (the joiner gets GUILD_CREATE)."],
  ["GUILD_MEMBER_UPDATE", withGuild(MemberBody.properties), "To every member: a member's nick or roles changed."],
  ["GUILD_MEMBER_REMOVE", withGuild({ user: UserBody }), "To the remaining members when someone leaves or is kicked or banned."],
  ["GUILD_BAN_ADD", withGuild({ user: UserBody, delete_message_seconds: T.Integer({ minimum: 0 }) }), "To members with BAN_MEMBERS."],
  ["GUILD_BAN_REMOVE", withGuild({ user: UserBody }), "To members with BAN_MEMBERS."],
  ["GUILD_ROLE_CREATE", withGuild({ role: RoleBody }), "To every member."],
  ["GUILD_ROLE_UPDATE", withGuild({ role: RoleBody }), "To every member."],
  ["GUILD_ROLE_DELETE", withGuild({ role_id: Snowflake }), "To every member."],
  ["GUILD_EMOJIS_UPDATE", withGuild({ emojis: T.Array(EmojiBody, { description: "every custom emoji of the guild after the change (no `user`)" }) }), "To every member (intent GUILD_EXPRESSIONS): an emoji was uploaded, edited or deleted."],
  ["GUILD_AUDIT_LOG_ENTRY_CREATE", withGuild(AuditLogEntryBody.properties), "To members with VIEW_AUDIT_LOG (intent GUILD_MODERATION): an audit log entry was recorded (rest.md \"Audit log\")."],
  ["INVITE_CREATE", withGuild({ ...InviteBody.properties, channel_id: Snowflake }), "To members with MANAGE_GUILD, or MANAGE_CHANNELS on the invite's channel."],
  ["INVITE_DELETE", withGuild({ code: T.String(), channel_id: Snowflake }), "To members with MANAGE_GUILD, or MANAGE_CHANNELS on the invite's channel."],
  ["CHANNEL_CREATE", ChannelBody, "Guild channels: to members with VIEW_CHANNEL there. A new DM: to both participants, each seeing the other in `recipients`."],
  ["CHANNEL_UPDATE", ChannelBody, "To members with VIEW_CHANNEL in the channel after the change."],
  ["CHANNEL_DELETE", ChannelBody, "To members who could view the channel (judged by the overwrites it had)."],
  [
    "THREAD_CREATE",
    T.Object({ ...ChannelBody.properties, member: ThreadMemberField }),
    "A new thread (`newly_created: true`) to members who can see it: the parent's VIEW_CHANNEL, and for a private thread its members and MANAGE_THREADS holders. A user added to a thread gets it with their thread `member`.",
  ],
  ["THREAD_UPDATE", ChannelBody, "To members who can see the thread after the change (renamed, archived, auto-archived, locked, …)."],
  [
    "THREAD_DELETE",
    T.Object({ id: Snowflake, guild_id: Snowflake, parent_id: Snowflake, type: T.Integer() }),
    "To members who could see the thread (a private one: its members and MANAGE_THREADS holders).",
  ],
  [
    "THREAD_LIST_SYNC",
    T.Object({ guild_id: Snowflake, channel_ids: T.Array(Snowflake), threads: T.Array(ChannelBody), members: T.Array(ThreadMemberBody) }),
    "To a member who gains access to a text channel with active threads (its overwrites changed): those threads they can see, and their thread members.",
  ],
  ["THREAD_MEMBER_UPDATE", T.Object({ ...ThreadMemberBody.properties, guild_id: Snowflake }), "To the user themself, when they join or are added to a thread."],
  [
    "THREAD_MEMBERS_UPDATE",
    T.Object({
      id: Snowflake,
      guild_id: Snowflake,
      member_count: T.Integer({ minimum: 0 }),
      added_members: T.Optional(T.Array(ThreadMemberBody)),
      removed_member_ids: T.Optional(T.Array(Snowflake)),
    }),
    "To members who can see the thread, and to a removed member (intent GUILD_MEMBERS).",
  ],
  ["MESSAGE_CREATE", MessageBody, "Guild channels: to members with VIEW_CHANNEL there; DMs: to both participants. Carries the sender's `nonce`."],
  ["MESSAGE_UPDATE", MessageBody, "Like MESSAGE_CREATE: the whole edited message."],
  ["MESSAGE_DELETE", T.Object({ id: Snowflake, ...inChannel }), "Like MESSAGE_CREATE."],
  ["MESSAGE_DELETE_BULK", T.Object({ ids: T.Array(Snowflake), ...inChannel }), "Like MESSAGE_CREATE (bulk delete, and the history a ban deletes)."],
  ["MESSAGE_REACTION_ADD", T.Object({ user_id: Snowflake, message_id: Snowflake, emoji: Emoji, ...inChannel }), "Like MESSAGE_CREATE."],
  ["MESSAGE_REACTION_REMOVE", T.Object({ user_id: Snowflake, message_id: Snowflake, emoji: Emoji, ...inChannel }), "Like MESSAGE_CREATE."],
  ["CHANNEL_PINS_UPDATE", T.Object({ last_pin_timestamp: T.Union([Timestamp, T.Null()]), ...inChannel }), "Like MESSAGE_CREATE: a message was pinned or unpinned."],
  ["WEBHOOKS_UPDATE", T.Object({ guild_id: Snowflake, channel_id: Snowflake }), "To members who can view the channel: its webhooks were created, changed or deleted (fetch them again)."],
  ["MESSAGE_ACK", T.Object({ channel_id: Snowflake, message_id: Snowflake, mention_count: T.Integer({ minimum: 0 }) }), "To the reader's own sessions: a read receipt was set."],
  ["TYPING_START", T.Object({ ...inChannel, user_id: Snowflake, timestamp: T.Integer({ description: "Unix seconds" }) }), "To those who can view the channel, except the typist; show it for 10 s. Not kept for RESUME."],
  ["PRESENCE_UPDATE", T.Object({ ...Presence.properties, guild_id: Snowflake }), "To the other members of each guild (not large) the user is in, once per guild, when their status or activities change. Not kept for RESUME."],
  ["USER_UPDATE", CurrentUserBody, "To the user's own sessions: their username, display name or avatar changed."],
  [
    "RELATIONSHIP_ADD",
    RelationshipBody,
    "To the sessions of each side whose relationship was added or changed: a friend request (the sender gets type 4, the receiver 3), an accepted one (both 1), a block (type 2, to the blocker alone).",
  ],
  [
    "RELATIONSHIP_REMOVE",
    T.Object({ id: Snowflake, type: T.Integer({ minimum: 1, maximum: 4 }), nickname: T.Null() }),
    "To the sessions of each side whose relationship ended: a removed friend, a cancelled or declined request, an unblock (the blocker alone). A block ends the blocked user's friendship or request with the blocker: they get this, and nothing about the block.",
  ],
  [
    "MESSAGE_DELIVERY_UPDATE",
    T.Object({
      channel_id: Snowflake,
      message_id: Snowflake,
      user_id: Snowflake,
      status: T.Union([T.Literal("delivered"), T.Literal("read")]),
    }),
    "XCord extension (Discord has none): to a DM message's sender, when the recipient's gateway session got their messages up to `message_id` (delivered) or the recipient's read state reached it (read).",
  ],
  [
    "VOICE_STATE_UPDATE",
    T.Object({ ...VoiceStateBody.properties, previous_channel_id: T.Optional(Snowflake) }),
    "To the user and to members who can view the channel (for a leave, the one left): joins, mute and deafen changes, leaves (`channel_id` null, `previous_channel_id` set).",
  ],
  [
    "VOICE_SERVER_UPDATE",
    T.Object({ guild_id: Snowflake, channel_id: Snowflake, endpoint: T.String({ description: "ws:// or wss:// URL of /voice" }), token: T.String({ description: "voice token, valid 10 minutes" }) }),
    "To the session whose op 4 joined: where to open the voice signaling socket.",
  ],
  [
    "VOICE_STATE_REJECTED",
    T.Object({ guild_id: Snowflake, channel_id: T.Union([Snowflake, T.Null()]), status: T.Integer(), code: T.Integer(), message: T.String() }),
    "To the session whose op 4 was refused (an XCord addition): the REST status and code the same request would get.",
  ],
  ["VOICE_CALL_STARTED", VoiceCall, "To members who can view the channel: the first participant joined."],
  ["VOICE_CALL_ENDED", T.Object({ ...VoiceCall.properties, ended_at: Timestamp }), "To members who can view the channel: the last participant left."],
];

const dispatchMessages: MessageDoc[] = DISPATCHES.map(([t, d, receivers]) => ({
  name: `gateway.dispatch.${t}`,
  title: t,
  summary: receivers,
  payload: dispatchFrame(t, d),
}));

const single = (name: string, title: string, summary: string, payload: TSchema): readonly MessageDoc[] => [{ name: `gateway.${name}`, title, summary, payload }];

/** Every opcode of the gateway, keyed by the protocol's table: who sends it and its frames. */
export const gatewayOpcodes: { readonly [K in keyof typeof Op]: { readonly sender: "client" | "server"; readonly messages: readonly MessageDoc[] } } = {
  Dispatch: { sender: "server", messages: dispatchMessages },
  Heartbeat: {
    sender: "client",
    messages: single("Heartbeat", "HEARTBEAT", "Keeps the session alive; `d` is the last `s` received (or null). Answered with op 11.", clientFrame(Op.Heartbeat, HeartbeatPayload)),
  },
  Identify: {
    sender: "client",
    messages: single(
      "Identify",
      "IDENTIFY",
      "Starts a session with an access token or bot token; answered with READY. Takes Discord's intents, shard, large_threshold, compress and presence.",
      clientFrame(Op.Identify, IdentifyPayload),
    ),
  },
  PresenceUpdate: {
    sender: "client",
    messages: single("PresenceUpdate", "PRESENCE_UPDATE", "Sets this session's status and, when given, the user's activities.", clientFrame(Op.PresenceUpdate, PresenceUpdatePayload)),
  },
  VoiceStateUpdate: {
    sender: "client",
    messages: single(
      "VoiceStateUpdate",
      "VOICE_STATE_UPDATE",
      "Joins, switches or leaves (`channel_id` null) a voice channel, or changes self mute/deafen.",
      clientFrame(Op.VoiceStateUpdate, VoiceStateUpdatePayload),
    ),
  },
  Resume: {
    sender: "client",
    messages: single("Resume", "RESUME", "Continues a dropped session: replays the dispatches after `seq`, then RESUMED.", clientFrame(Op.Resume, ResumePayload)),
  },
  RequestGuildMembers: {
    sender: "client",
    messages: single(
      "RequestGuildMembers",
      "REQUEST_GUILD_MEMBERS",
      "Asks for members of a guild the user is in, by user_ids or username prefix; answered with GUILD_MEMBERS_CHUNK.",
      clientFrame(Op.RequestGuildMembers, RequestGuildMembersPayload),
    ),
  },
  Reconnect: {
    sender: "server",
    messages: single("Reconnect", "RECONNECT", "Reconnect and RESUME (the node is stopping or lost its event bus); the socket closes with 4000 next.", serverFrame(Op.Reconnect, T.Null())),
  },
  InvalidSession: {
    sender: "server",
    messages: single(
      "InvalidSession",
      "INVALID_SESSION",
      "The session cannot be resumed: IDENTIFY afresh (this socket stays open). `d` is always false.",
      serverFrame(Op.InvalidSession, T.Literal(false)),
    ),
  },
  Hello: {
    sender: "server",
    messages: single(
      "Hello",
      "HELLO",
      "The first frame on every connection.",
      serverFrame(Op.Hello, T.Object({ heartbeat_interval: T.Integer({ minimum: 1, description: "ms between heartbeats (GATEWAY_HEARTBEAT_INTERVAL_MS)" }) })),
    ),
  },
  HeartbeatAck: {
    sender: "server",
    messages: single("HeartbeatAck", "HEARTBEAT_ACK", "The answer to every heartbeat.", serverFrame(Op.HeartbeatAck, T.Null())),
  },
};

/** What each gateway close code means and what a client should do (docs/gateway.md). */
export const gatewayCloseCodes: { readonly [K in keyof typeof CloseCode]: { readonly meaning: string; readonly action: string } } = {
  UnknownError: {
    meaning: "after op 7 RECONNECT, when the session resumed on another socket, when the resume state is unreachable, or on a server error",
    action: "reconnect and RESUME, with backoff",
  },
  UnknownOpcode: { meaning: "an opcode the server does not take from clients", action: "fix the client; IDENTIFY afresh" },
  DecodeError: {
    meaning: `not a JSON object frame, over ${MAX_FRAME_BYTES} bytes, or a payload its opcode's schema refuses`,
    action: "fix the client; IDENTIFY afresh",
  },
  NotAuthenticated: { meaning: "an opcode other than HEARTBEAT before IDENTIFY or RESUME, or no IDENTIFY in time", action: "reconnect and IDENTIFY" },
  AuthenticationFailed: { meaning: "invalid, expired or revoked token, or the login session was revoked", action: "do not resume: refresh or log in, then IDENTIFY" },
  AlreadyAuthenticated: { meaning: "a second IDENTIFY or RESUME on the socket", action: "fix the client; reconnect and RESUME" },
  InvalidSeq: { meaning: "RESUME with a `seq` the session never reached", action: "IDENTIFY afresh" },
  RateLimited: {
    meaning: `more than ${FRAME_LIMIT.limit} frames in ${FRAME_LIMIT.periodMs / 1000} s, a client not reading its socket (reason "Slow consumer"), or an IDENTIFY past the user's session start limit (GET /gateway/bot)`,
    action: "reconnect and RESUME; send less, read faster",
  },
  InvalidShard: { meaning: "IDENTIFY's `shard` is not `[id, count]` with 0 <= id < count <= 1024", action: "fix the shard settings; do not reconnect as is" },
  InvalidIntents: {
    meaning: "IDENTIFY's `intents` has bits Discord does not define, or a bot sent none; or op 8 asked for every member without GUILD_MEMBERS, or for presences without GUILD_PRESENCES",
    action: "fix the intents; do not reconnect as is",
  },
  DisallowedIntents: {
    meaning: "a bot asked for a privileged intent (GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT) its application's flags do not enable",
    action: "enable the intent on the application, or stop asking for it",
  },
  SessionTimedOut: { meaning: "no heartbeat for 1.5 × heartbeat_interval", action: "reconnect and RESUME" },
};
