import type { TSchema } from "@sinclair/typebox";
import type { Topic } from "../kernel/domain-event";
import { topics } from "../kernel/domain-event";
import type { EventStream } from "../kernel/ports";
import {
  CloseCode,
  GATEWAY_VERSION,
  HeartbeatPayload,
  IdentifyPayload,
  Op,
  PresenceUpdatePayload,
  ResumePayload,
  VoiceStateUpdatePayload,
} from "./gateway-protocol";
import type { GatewayAuthenticator, PresenceTracker, ReadyContribution, ReadyContributor, Viewer, VoiceStateHandler } from "./gateway-ports";
import type { GatewaySession } from "./gateway-session";
import type { ResumeStore } from "./resume-store";

/** Events fetched from the stream when a resume catches up; beyond that the client must re-identify. */
const CATCH_UP_LIMIT = 10_000;
/** Catch-up starts this much before the last event the session took, for relay and clock skew. */
const CATCH_UP_MARGIN_MS = 2_000;

export interface HandlerDeps {
  readonly authenticate: GatewayAuthenticator;
  readonly contributors: readonly ReadyContributor[];
  readonly presence: PresenceTracker;
  readonly voice?: VoiceStateHandler;
  readonly resume: ResumeStore;
  readonly stream: EventStream;
  readonly resumeUrl: () => string;
  readonly now: () => number;
  /** A session with this id is live on this node (an old socket of a resumed session). */
  readonly takeOver: (session: GatewaySession) => void;
  readonly bindAuthSession: (session: GatewaySession) => void;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

export interface HandlerContext {
  readonly session: GatewaySession;
  readonly deps: HandlerDeps;
  close(code: number, reason: string): void;
}

/** When an opcode may be sent: before IDENTIFY/RESUME, after, or either. */
type Phase = "unauthenticated" | "authenticated" | "any";

export interface OpHandler {
  readonly schema: TSchema;
  readonly phase: Phase;
  handle(context: HandlerContext, payload: never): Promise<void> | void;
}

const gatherReady = async (deps: HandlerDeps, viewer: Viewer): Promise<ReadyContribution & { topics: Topic[] }> => {
  const parts = await Promise.all(deps.contributors.map((contribute) => contribute(viewer)));
  const merged = {
    guilds: [] as unknown[],
    private_channels: [] as unknown[],
    read_state: [] as unknown[],
    presences: [] as unknown[],
    voice_states: [] as unknown[],
    topics: [topics.user(viewer.userId)] as Topic[],
    user: undefined as unknown,
  };
  for (const part of parts) {
    merged.user ??= part.user;
    merged.guilds.push(...(part.guilds ?? []));
    merged.private_channels.push(...(part.private_channels ?? []));
    merged.read_state.push(...(part.read_state ?? []));
    merged.presences.push(...(part.presences ?? []));
    merged.voice_states.push(...(part.voice_states ?? []));
    merged.topics.push(...(part.topics ?? []));
  }
  return merged;
};

/**
 * Runs `work` in the session's queue (after what is queued, before what comes next) and settles with it. READY and
 * RESUMED are built there; if that fails (the database unreachable, say), the failure reaches the frame handler,
 * which closes with 4000 so the client reconnects, instead of leaving a session that never gets its READY.
 */
const inQueue = (session: GatewaySession, work: () => Promise<void>): Promise<void> =>
  new Promise((resolve, reject) => void session.enqueue(() => work().then(resolve, reject)));

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

const identify = opening<IdentifyPayload>(IdentifyPayload, async (context, payload, viewer) => {
  const { session, deps } = context;
  session.viewer = viewer;
  session.status = payload.presence?.status ?? "online";
  deps.bindAuthSession(session);
  await inQueue(session, async () => {
    const ready = await gatherReady(deps, viewer);
    await session.applyTopicChanges({ subscribe: ready.topics });
    const { topics: _topics, ...payload } = ready;
    session.dispatchUnbuffered("READY", { v: GATEWAY_VERSION, session_id: session.id, resume_gateway_url: deps.resumeUrl(), ...payload });
    await deps.resume.save(session.id, session.record());
  });
  await deps.presence.connected(viewer, session.id, session.status);
});

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
  session.seq = last;
  session.lastEventAt = record.lastEventAt;
  deps.takeOver(session);
  deps.bindAuthSession(session);
  await inQueue(session, async () => {
    const ready = await gatherReady(deps, viewer);
    // Subscribe first: live events queue behind the replay and the catch-up, and duplicates are dropped.
    await session.applyTopicChanges({ subscribe: ready.topics });
    for (const frame of buffered) {
      if (frame.s > payload.seq) session.replay(frame);
      else if (frame.eventId) session.remember(frame.eventId);
    }
    const missed = await deps.stream.readSince(record.lastEventAt - CATCH_UP_MARGIN_MS, CATCH_UP_LIMIT);
    for (const event of missed) await session.handle(event);
    session.dispatchUnbuffered("RESUMED", null);
    await deps.resume.save(session.id, session.record());
  });
  await deps.presence.connected(viewer, session.id, session.status);
});

const presenceUpdate: OpHandler = {
  schema: PresenceUpdatePayload,
  phase: "authenticated",
  async handle({ session, deps }, payload: { status: string }) {
    session.status = payload.status;
    if (session.viewer) await deps.presence.changed(session.viewer, session.id, payload.status);
  },
};

const voiceStateUpdate: OpHandler = {
  schema: VoiceStateUpdatePayload,
  phase: "authenticated",
  async handle({ session, deps }, payload: VoiceStateUpdatePayload) {
    const viewer = session.viewer;
    if (!viewer || !deps.voice) return;
    // In the session's queue, so VOICE_SERVER_UPDATE keeps its place among the session's other dispatches.
    const dispatches = await deps.voice(viewer, session.id, payload);
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
};
