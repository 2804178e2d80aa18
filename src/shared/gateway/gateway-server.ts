import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Elysia } from "elysia";
import type { DomainEvent } from "../kernel/domain-event";
import type { EventStream, KeyValueStore, PubSub } from "../kernel/ports";
import type { Logger } from "../infrastructure/logger";
import type { Metrics } from "../infrastructure/metrics";
import { ClientFrame, CloseCode, FRAME_LIMIT, HEARTBEAT_GRACE_FACTOR, MAX_FRAME_BYTES, Op } from "./gateway-protocol";
import { type HandlerContext, OP_HANDLERS } from "./gateway-handlers";
import type { DispatchRules, GatewayAuthenticator, PresenceTracker, ReadyContributor, VoiceStateHandler } from "./gateway-ports";
import { GatewaySession } from "./gateway-session";
import { createResumeStore } from "./resume-store";
import { createTopicRouter } from "./topic-router";

export interface GatewayOptions {
  readonly pubSub: PubSub;
  readonly kv: KeyValueStore;
  readonly stream: EventStream;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly authenticate: GatewayAuthenticator;
  readonly contributors: readonly ReadyContributor[];
  readonly rules: DispatchRules;
  /** Called once per event reaching the node, before sessions handle it (e.g. to drop cached permissions). */
  readonly observers?: ReadonlyArray<(event: DomainEvent) => void>;
  readonly presence: PresenceTracker;
  readonly voice?: VoiceStateHandler;
  /** ws:// or wss:// URL of /gateway that clients resume at (known once the node listens). */
  readonly url: () => string;
  readonly heartbeatIntervalMs: number;
  readonly identifyTimeoutMs: number;
  /** How long a dropped session can be resumed (API.md: 2 minutes). */
  readonly resumeWindowMs: number;
  readonly now?: () => number;
}

const RESUMED_TOPIC = "system:gateway-resumed";
const checkFrame = TypeCompiler.Compile(ClientFrame);
const checkers = new Map(Object.entries(OP_HANDLERS).map(([op, handler]) => [Number(op), TypeCompiler.Compile(handler.schema)]));

/** The WebSocket gateway: sessions, opcodes, heartbeats, resume, and the dispatch of domain events. */
export const createGateway = (options: GatewayOptions) => {
  const now = options.now ?? Date.now;
  const { logger, metrics } = options;
  const onError = (error: unknown, context: Record<string, unknown>) => logger.error({ err: error, ...context }, "gateway error");
  const observers = options.observers ?? [];
  const router = createTopicRouter(
    options.pubSub,
    (error, topic) => onError(error, { topic }),
    (event) => {
      for (const observe of observers) observe(event);
    },
  );
  const resume = createResumeStore(options.kv, options.resumeWindowMs);
  /** Live sessions by connection id, and by identity session for revocation. */
  const sockets = new Map<string, { session: GatewaySession; close: (code: number, reason: string) => void }>();
  const byAuthSession = new Map<string, Set<GatewaySession>>();

  const closeSocket = (connectionId: string, code: number, reason: string) => sockets.get(connectionId)?.close(code, reason);
  const instance = crypto.randomUUID();

  /** Closes the local socket of a session that resumed on another node, leaving its state to the new owner. */
  const releaseResumed = (message: string) => {
    const { id, instance: from } = JSON.parse(message) as { id: string; instance: string };
    if (from === instance) return;
    for (const [connectionId, entry] of sockets) {
      if (entry.session.id !== id) continue;
      entry.session.superseded = true;
      closeSocket(connectionId, CloseCode.UnknownError, "Session resumed elsewhere");
    }
  };
  const takeovers = options.pubSub.subscribe(RESUMED_TOPIC, releaseResumed);

  const handlerDeps = {
    authenticate: options.authenticate,
    contributors: options.contributors,
    presence: options.presence,
    voice: options.voice,
    resume,
    stream: options.stream,
    resumeUrl: options.url,
    now,
    takeOver(session: GatewaySession) {
      for (const [connectionId, entry] of sockets) {
        if (entry.session !== session && entry.session.id === session.id) {
          entry.session.superseded = true;
          closeSocket(connectionId, CloseCode.UnknownError, "Session resumed elsewhere");
        }
      }
      // Another node may still hold the old socket (a half-open connection): tell it to let go.
      options.pubSub
        .publish(RESUMED_TOPIC, JSON.stringify({ id: session.id, instance }))
        .catch((error: unknown) => onError(error, { what: "resume takeover" }));
    },
    bindAuthSession(session: GatewaySession) {
      const key = session.viewer!.sessionId;
      let set = byAuthSession.get(key);
      if (!set) byAuthSession.set(key, (set = new Set()));
      set.add(session);
    },
  };

  const ended = async (session: GatewaySession) => {
    session.closed = true;
    metrics.gatewaySessions.dec();
    const viewer = session.viewer;
    await session.detach();
    if (!viewer) return;
    byAuthSession.get(viewer.sessionId)?.delete(session);
    if (byAuthSession.get(viewer.sessionId)?.size === 0) byAuthSession.delete(viewer.sessionId);
    if (session.superseded) return;
    await Promise.all([resume.save(session.id, session.record()), options.presence.disconnected(viewer, session.id)]);
  };

  /** Closes sessions that missed heartbeats or never identified; one sweep for the whole node. */
  const sweep = setInterval(() => {
    const t = now();
    const heartbeatDeadline = options.heartbeatIntervalMs * HEARTBEAT_GRACE_FACTOR;
    for (const [connectionId, { session }] of sockets) {
      if (!session.viewer && !session.authenticating && t - session.openedAt > options.identifyTimeoutMs) {
        closeSocket(connectionId, CloseCode.NotAuthenticated, "Not authenticated");
      } else if (t - session.lastHeartbeatAt > heartbeatDeadline) {
        closeSocket(connectionId, CloseCode.SessionTimedOut, "Session timed out");
      }
    }
  }, Math.max(100, Math.min(options.heartbeatIntervalMs, options.identifyTimeoutMs) / 4));
  sweep.unref?.();

  const handleFrame = async (connectionId: string, raw: unknown) => {
    const entry = sockets.get(connectionId);
    if (!entry) return;
    const { session, close } = entry;
    if (!session.countFrame(now(), FRAME_LIMIT.limit, FRAME_LIMIT.periodMs)) return close(CloseCode.RateLimited, "Rate limited");
    const frame = decode(raw);
    if (!frame) return close(CloseCode.DecodeError, "Decode error");
    const handler = OP_HANDLERS[frame.op];
    if (!handler) return close(CloseCode.UnknownOpcode, "Unknown opcode");
    if (!checkers.get(frame.op)!.Check(frame.d ?? null)) return close(CloseCode.DecodeError, `Invalid payload for op ${frame.op}`);
    const authenticated = session.viewer !== undefined || session.authenticating;
    if (handler.phase === "authenticated" && !session.viewer) return close(CloseCode.NotAuthenticated, "Not authenticated");
    if (handler.phase === "unauthenticated" && authenticated) return close(CloseCode.AlreadyAuthenticated, "Already authenticated");
    if (handler.phase === "unauthenticated") session.authenticating = true;
    const context: HandlerContext = { session, deps: handlerDeps, close };
    await handler.handle(context, (frame.d ?? null) as never);
  };

  const routes = new Elysia({ name: "xcord.gateway" }).ws("/gateway", {
    detail: { hide: true },
    open(ws) {
      const connectionId = ws.id;
      const session = new GatewaySession(crypto.randomUUID().replaceAll("-", ""), (text) => void ws.raw.sendText(text), { rules: options.rules, router, resume, onError }, now());
      sockets.set(connectionId, { session, close: (code, reason) => ws.raw.close(code, reason) });
      metrics.gatewaySessions.inc();
      session.sendOp(Op.Hello, { heartbeat_interval: options.heartbeatIntervalMs });
    },
    message(ws, message) {
      handleFrame(ws.id, message).catch((error: unknown) => {
        onError(error, { connectionId: ws.id });
        closeSocket(ws.id, CloseCode.UnknownError, "Unknown error");
      });
    },
    close(ws) {
      const entry = sockets.get(ws.id);
      if (!entry) return;
      sockets.delete(ws.id);
      ended(entry.session).catch((error: unknown) => onError(error, { connectionId: ws.id, what: "close" }));
    },
  });

  return {
    routes,
    /** Closes every gateway session of a revoked identity session with 4004; they cannot resume. */
    async revokeAuthSession(authSessionId: string) {
      const sessions = [...(byAuthSession.get(authSessionId) ?? [])];
      for (const session of sessions) {
        session.superseded = true; // nothing to keep: the session is gone for good
        await resume.forget(session.id);
        for (const [connectionId, entry] of sockets) if (entry.session === session) closeSocket(connectionId, CloseCode.AuthenticationFailed, "Session revoked");
      }
    },
    /** Graceful shutdown: op 7 RECONNECT to every client, then close; their sessions stay resumable elsewhere. */
    async shutdown() {
      clearInterval(sweep);
      await (await takeovers)();
      // Taken out of the table first, so that the close handlers do not end the sessions a second time.
      const all = [...sockets.values()];
      sockets.clear();
      for (const { session, close } of all) {
        session.sendOp(Op.Reconnect, null);
        close(CloseCode.UnknownError, "Reconnect");
      }
      await Promise.all(all.map(({ session }) => ended(session)));
    },
    sessionCount: () => sockets.size,
    topicCount: () => router.topicCount(),
  };
};

export type Gateway = ReturnType<typeof createGateway>;

/** A frame as sent by a client: JSON text within the size limit, with an integer op. */
const decode = (raw: unknown): { op: number; d?: unknown } | undefined => {
  let value = raw;
  if (typeof raw === "string") {
    if (raw.length > MAX_FRAME_BYTES) return undefined;
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  } else if (raw instanceof Uint8Array || raw instanceof ArrayBuffer) {
    return undefined;
  }
  return checkFrame.Check(value) ? (value as { op: number; d?: unknown }) : undefined;
};
