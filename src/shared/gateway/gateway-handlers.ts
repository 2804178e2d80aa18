import type { TSchema } from "@sinclair/typebox";
import { type BotReadyViewer, botGuildCreates, botReady, inShard } from "./bot-ready";
import {
  CloseCode,
  GATEWAY_VERSION,
  HeartbeatPayload,
  IdentifyPayload,
  Op,
  PresenceUpdatePayload,
  ResumePayload,
  VoiceStateUpdatePayload,
  snowflakeOf,
} from "./gateway-protocol";
import type { Viewer } from "./gateway-ports";
import { type HandlerContext, type OpHandler, gatherReady, inQueue } from "./handler-context";
import { checkIdentify, presenceInputOf } from "./identify-checks";
import { requestGuildMembers } from "./member-requests";
import { SessionProfile } from "./session-profile";

export type { HandlerContext, HandlerDeps, OpHandler } from "./handler-context";

/** RESUMED's payload: one object for every session. */
const RESUMED = Object.freeze({});

/** Events fetched from the stream when a resume catches up; beyond that the client must re-identify. */
const CATCH_UP_LIMIT = 10_000;
/** Catch-up starts this much before the last event the session took, for relay and clock skew. */
const CATCH_UP_MARGIN_MS = 2_000;

/** Authenticates or closes with 4004; resolves undefined when it closed. */
const authenticateOrClose = async (context: HandlerContext, token: string): Promise<Viewer | undefined> => {
  try {
    const caller = await context.deps.authenticate(token);
    return caller.bot ? { userId: caller.userId, sessionId: caller.sessionId, bot: caller.bot } : { userId: caller.userId, sessionId: caller.sessionId };
  } catch {
    context.close(CloseCode.AuthenticationFailed, "Authentication failed");
    return undefined;
  }
};

const heartbeat: OpHandler = {
  schema: HeartbeatPayload,
  phase: "any",
  async handle({ session, deps }) {
    session.lastHeartbeatAt = deps.now();
    session.sendOp(Op.HeartbeatAck, null);
    const viewer = session.viewer;
    if (!viewer) return;
    // A heartbeat keeps the connection alive whatever the stores say: while Redis is away, the resume record and
    // presence lapse, and the session stays connected.
    const results = await Promise.allSettled([deps.resume.save(session.id, session.record()), deps.presence.heartbeat(viewer, session.id)]);
    for (const result of results) if (result.status === "rejected") deps.onError(result.reason, { gatewaySession: session.id, what: "heartbeat" });
  },
};

/**
 * IDENTIFY and RESUME, the opcodes that start a session: the token is authenticated first (4004 when refused), and
 * `handle` runs with the viewer unless the socket closed meanwhile.
 */
const opening = <P extends { readonly token: string }>(
  schema: TSchema,
  handle: (context: HandlerContext, payload: P, viewer: Viewer) => Promise<void>,
): OpHandler => ({
  schema,
  phase: "unauthenticated",
  async handle(context, payload: P) {
    const viewer = await authenticateOrClose(context, payload.token);
    if (viewer && !context.session.closed) await handle(context, payload, viewer);
  },
});

/**
 * Takes one IDENTIFY from the user's session start budget. The budget is a guard against reconnect storms, not a
 * security boundary: while its store is unreachable, sessions start (the error is reported).
 */
const withinBudget = async (deps: HandlerContext["deps"], viewer: Viewer): Promise<boolean> => {
  if (!deps.identifyBudget) return true;
  try {
    return await deps.identifyBudget.take(viewer.userId);
  } catch (error) {
    deps.onError(error, { what: "session start budget", userId: viewer.userId });
    return true;
  }
};

const isBot = (viewer: Viewer): viewer is BotReadyViewer => viewer.bot !== undefined;

/**
 * IDENTIFY: its options checked (4010, 4013, 4014), the user's session start budget taken (4008 once spent), then
 * READY. A bot gets Discord's READY and a GUILD_CREATE per guild; any other session gets XCord's complete READY.
 */
const identify = opening<IdentifyPayload>(IdentifyPayload, async (context, payload, viewer) => {
  const { session, deps } = context;
  const checked = checkIdentify(payload, viewer);
  if ("refuse" in checked) return context.close(checked.refuse.code, checked.refuse.reason);
  if (!(await withinBudget(deps, viewer))) return context.close(CloseCode.RateLimited, "Session start limit reached: see GET /gateway/bot");
  if (session.closed) return;
  const presence = presenceInputOf(payload.presence ?? {}, deps.now());
  session.viewer = viewer;
  session.profile = SessionProfile.of(checked.options, viewer);
  if (checked.options.compress) session.compressPayloads();
  session.status = presence.status;
  deps.bindAuthSession(session);
  await inQueue(session, async () => {
    const ready = inShard(await gatherReady(deps, viewer), session.profile);
    await session.applyTopicChanges({ subscribe: ready.topics });
    if (isBot(viewer)) {
      const guildCreates = await botGuildCreates(deps, ready, viewer, session.profile);
      session.dispatchUnbuffered("READY", botReady(ready, session, viewer, deps.resumeUrl()));
      for (const guild of guildCreates) void session.dispatch("GUILD_CREATE", guild);
    } else {
      const { topics: _topics, ...payload } = ready;
      session.dispatchUnbuffered("READY", { v: GATEWAY_VERSION, session_id: session.id, resume_gateway_url: deps.resumeUrl(), ...payload });
    }
    await deps.resume.save(session.id, session.record());
  });
  await deps.presence.connected(viewer, session.id, presence);
});

/** RESUME: the session's dispatches since `seq`, with the intents, shard and compression IDENTIFY asked for. */
const resume = opening<ResumePayload>(ResumePayload, async (context, payload, viewer) => {
  const { session, deps } = context;
  const record = await deps.resume.load(payload.session_id);
  if (!record || record.userId !== viewer.userId || record.authSessionId !== viewer.sessionId) {
    session.authenticating = false;
    session.sendOp(Op.InvalidSession, false);
    return;
  }
  const buffered = await deps.resume.buffered(payload.session_id);
  const last = Math.max(record.seq, buffered.at(-1)?.s ?? 0);
  const first = buffered[0]?.s ?? 1;
  if (payload.seq > last) return context.close(CloseCode.InvalidSeq, "Invalid seq");
  if (payload.seq < first - 1) {
    // The client is further behind than the buffer reaches: it must start over.
    session.authenticating = false;
    session.sendOp(Op.InvalidSession, false);
    return;
  }
  session.id = payload.session_id;
  session.viewer = viewer;
  session.profile = record.options ? SessionProfile.of(record.options, viewer) : undefined;
  if (record.options?.compress) session.compressPayloads();
  session.seq = last;
  session.lastEventAt = record.lastEventAt;
  session.status = record.status ?? "online";
  deps.takeOver(session);
  deps.bindAuthSession(session);
  await inQueue(session, async () => {
    const ready = inShard(await gatherReady(deps, viewer), session.profile);
    // Subscribe first: live events queue behind the replay and the catch-up, and duplicates are dropped.
    await session.applyTopicChanges({ subscribe: ready.topics });
    for (const frame of buffered) {
      if (frame.s > payload.seq) session.replay(frame);
      else if (frame.eventId) session.remember(frame.eventId);
    }
    const missed = await deps.stream.readSince(record.lastEventAt - CATCH_UP_MARGIN_MS, CATCH_UP_LIMIT);
    for (const event of missed) await session.handle(event);
    // An empty object, as Discord's (discord.py writes into it), never null.
    session.dispatchUnbuffered("RESUMED", RESUMED);
    await deps.resume.save(session.id, session.record());
  });
  await deps.presence.connected(viewer, session.id, { status: session.status });
});

/** Op 3: the session's status and, when given, its activities (Discord's `{since, activities, status, afk}`). */
const presenceUpdate: OpHandler = {
  schema: PresenceUpdatePayload,
  phase: "authenticated",
  async handle({ session, deps }, payload: PresenceUpdatePayload) {
    const presence = presenceInputOf(payload, deps.now());
    session.status = presence.status;
    if (!session.viewer) return;
    // The status is kept with the session's resume record at once, so a resume right after keeps it.
    await Promise.all([deps.presence.changed(session.viewer, session.id, presence), deps.resume.save(session.id, session.record())]);
  },
};

const voiceStateUpdate: OpHandler = {
  schema: VoiceStateUpdatePayload,
  phase: "authenticated",
  async handle({ session, deps }, payload: VoiceStateUpdatePayload) {
    const viewer = session.viewer;
    if (!viewer || !deps.voice) return;
    const request = {
      guild_id: snowflakeOf(payload.guild_id),
      channel_id: payload.channel_id === null ? null : snowflakeOf(payload.channel_id),
      self_mute: payload.self_mute,
      self_deaf: payload.self_deaf,
    };
    // In the session's queue, so VOICE_SERVER_UPDATE keeps its place among the session's other dispatches.
    const dispatches = await deps.voice(viewer, session.id, request);
    await session.enqueue(async () => {
      for (const { t, d } of dispatches) await session.dispatch(t, d);
    });
  },
};

/** One handler per client opcode (STYLE.md 7). */
export const OP_HANDLERS: Readonly<Record<number, OpHandler>> = {
  [Op.Heartbeat]: heartbeat,
  [Op.Identify]: identify,
  [Op.PresenceUpdate]: presenceUpdate,
  [Op.VoiceStateUpdate]: voiceStateUpdate,
  [Op.Resume]: resume,
  [Op.RequestGuildMembers]: requestGuildMembers,
};
