import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Elysia } from "elysia";
import type { DomainEvent } from "../kernel/domain-event";
import type { EventStream, KeyValueStore, PubSub, RateLimiter } from "../kernel/ports";
import { clientIp } from "../presentation/client-ip";
import type { Logger } from "../infrastructure/logger";
import type { Metrics } from "../infrastructure/metrics";
import { ClientFrame, CloseCode, FRAME_LIMIT, HEARTBEAT_GRACE_FACTOR, MAX_FRAME_BYTES, Op } from "./gateway-protocol";
import { type HandlerContext, OP_HANDLERS } from "./gateway-handlers";
import type { DispatchRules, GatewayAuthenticator, PresenceTracker, ReadyContributor, VoiceStateHandler } from "./gateway-ports";
import { GatewaySession, type SessionSocket } from "./gateway-session";
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
  /** Per-IP limits checked before the upgrade (refused with HTTP 429); none when absent. */
  readonly connectionLimits?: GatewayConnectionLimits;
  readonly now?: () => number;
}

/** Connection-flood protection: how many sockets one IP may hold on this node, and how fast it may open them. */
export interface GatewayConnectionLimits {
  /** Concurrent gateway connections per client IP on this node; 0 for no cap. */
  readonly maxPerIp: number;
  /** New connections per client IP per minute, across the cluster (the shared rate limiter); 0 for no limit. */
  readonly connectsPerMinute: number;
  /** Take the client IP from X-Forwarded-For (TRUST_PROXY). */
  readonly trustProxy: boolean;
  readonly rateLimiter: RateLimiter;
}

/** An upgrade that passed the checks but has not opened yet counts against its IP this long at most. */
const RESERVATION_MS = 10_000;
const CONNECT_PERIOD_MS = 60_000;
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
  /** Live sessions with their connections, and sessions by identity session for revocation. */
  const live = new Map<GatewaySession, GatewayConnection>();
  const byAuthSession = new Map<string, Set<GatewaySession>>();
  const instance = crypto.randomUUID();

  /** Closes every local socket of session `id` but `keep`: the session resumed, and only its newest socket stays. */
  const supersede = (id: string, keep?: GatewaySession) => {
    for (const session of live.keys()) {
      if (session === keep || session.id !== id) continue;
      session.superseded = true;
      session.close(CloseCode.UnknownError, "Session resumed elsewhere");
    }
  };

  /** Closes the local socket of a session that resumed on another node, leaving its state to the new owner. */
  const releaseResumed = (message: string) => {
    const { id, instance: from } = JSON.parse(message) as { id: string; instance: string };
    if (from !== instance) supersede(id);
  };
  const takeovers = options.pubSub.subscribe(RESUMED_TOPIC, releaseResumed);

  /**
   * Whether this node hears the bus. When its subscription drops, events published meanwhile never reach it, so
   * every client is told to reconnect (op 7) and RESUME, which replays its buffer and catches up from the durable
   * stream; until the bus is back, new connections are refused with 503 rather than served half-deaf.
   */
  let busUp = true;
  const stopWatchingBus = options.pubSub.onConnectionChange?.((connected) => {
    const wasUp = busUp;
    busUp = connected;
    if (connected) return void (wasUp || logger.info("gateway: event bus back; accepting connections"));
    logger.warn({ sessions: live.size }, "gateway: event bus lost; asking every client to reconnect and resume");
    for (const session of [...live.keys()]) {
      session.sendOp(Op.Reconnect, null);
      session.close(CloseCode.UnknownError, "Reconnect");
    }
  });

  /** Sockets per client IP (open, plus upgrades on their way), for the per-IP cap. */
  const perIp = new Map<string, number>();
  /** Admitted upgrades whose socket has not opened yet; each counts against its IP for RESERVATION_MS at most. */
  const reserved = new Set<GatewayConnection>();
  const countIp = (ip: string, delta: number) => {
    const next = (perIp.get(ip) ?? 0) + delta;
    if (next > 0) perIp.set(ip, next);
    else perIp.delete(ip);
  };
  /** Stops counting `connection` against its IP (once). */
  const uncount = (connection: GatewayConnection) => {
    if (connection.ip === undefined) return;
    countIp(connection.ip, -1);
    connection.ip = undefined;
  };
  const refuse = (set: { status?: number | string; headers: Record<string, unknown> }, status: number, retryAfterS: number, message: string) => {
    set.status = status;
    set.headers["retry-after"] = String(retryAfterS);
    return { code: 0, message, retry_after: retryAfterS, global: false };
  };

  const handlerDeps = {
    authenticate: options.authenticate,
    contributors: options.contributors,
    presence: options.presence,
    voice: options.voice,
    resume,
    stream: options.stream,
    resumeUrl: options.url,
    now,
    onError,
    takeOver(session: GatewaySession) {
      supersede(session.id, session);
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

  const ended = async (session: GatewaySession, connection: GatewayConnection) => {
    uncount(connection);
    session.closed = true;
    metrics.gatewaySessions.dec();
    const viewer = session.viewer;
    await session.detach();
    if (!viewer) return;
    byAuthSession.get(viewer.sessionId)?.delete(session);
    if (byAuthSession.get(viewer.sessionId)?.size === 0) byAuthSession.delete(viewer.sessionId);
    if (session.superseded) return;
    const saved = Promise.all([resume.save(session.id, session.record()), options.presence.disconnected(viewer, session.id)]);
    // With the bus down the store is too, as a rule: the record of the last heartbeat stands, presence lapses by itself.
    await (busUp ? saved : saved.catch(() => undefined));
  };

  /** Closes sessions that missed heartbeats or never identified; one sweep for the whole node. */
  const sweep = setInterval(() => {
    const t = now();
    for (const connection of reserved) {
      if (t - connection.admittedAt <= RESERVATION_MS) continue;
      reserved.delete(connection); // an upgrade that never opened
      uncount(connection);
    }
    const heartbeatDeadline = options.heartbeatIntervalMs * HEARTBEAT_GRACE_FACTOR;
    for (const session of live.keys()) {
      if (!session.viewer && !session.authenticating && t - session.openedAt > options.identifyTimeoutMs) {
        session.close(CloseCode.NotAuthenticated, "Not authenticated");
      } else if (t - session.lastHeartbeatAt > heartbeatDeadline) {
        session.close(CloseCode.SessionTimedOut, "Session timed out");
      }
    }
  }, Math.max(100, Math.min(options.heartbeatIntervalMs, options.identifyTimeoutMs) / 4));
  sweep.unref?.();

  const handleFrame = async (session: GatewaySession, raw: string | Buffer) => {
    const close = (code: number, reason: string) => session.close(code, reason);
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

  /** What every session is given: one object for the node, not one per connection. */
  const sessionDeps = { rules: options.rules, router, resume, onError, onSlowConsumer: () => metrics.gatewaySlowConsumers.inc() };

  const connectionEvents: ConnectionEvents = {
    open(connection, socket) {
      if (reserved.delete(connection) === false) connection.ip = undefined; // its reservation lapsed: not counted
      const session = new GatewaySession(crypto.randomUUID().replaceAll("-", ""), socket, sessionDeps, now());
      connection.session = session;
      live.set(session, connection);
      metrics.gatewaySessions.inc();
      session.sendOp(Op.Hello, { heartbeat_interval: options.heartbeatIntervalMs });
    },
    message(connection, message) {
      const session = connection.session;
      if (!session || !live.has(session)) return;
      handleFrame(session, message).catch((error: unknown) => {
        onError(error, { gatewaySession: session.id });
        session.close(CloseCode.UnknownError, "Unknown error");
      });
    },
    close(connection) {
      const session = connection.session;
      if (!session || !live.delete(session)) return;
      ended(session, connection).catch((error: unknown) => onError(error, { gatewaySession: session.id, what: "close" }));
    },
  };

  /** Runs before the upgrade: refuses (429, 503) without ever opening a socket, or admits a connection. */
  const admit = async (
    request: Request,
    server: Parameters<typeof clientIp>[1],
    set: { status?: number | string; headers: Record<string, unknown> },
  ): Promise<GatewayConnection | ReturnType<typeof refuse>> => {
    if (!busUp) return refuse(set, 503, 1, "The gateway is reconnecting to its event bus; retry shortly.");
    const limits = options.connectionLimits;
    if (!limits) return new GatewayConnection(connectionEvents, undefined, now());
    const ip = clientIp(request, server, limits.trustProxy);
    if (limits.maxPerIp > 0 && (perIp.get(ip) ?? 0) >= limits.maxPerIp) {
      return refuse(set, 429, 5, "Too many gateway connections from this address.");
    }
    if (limits.connectsPerMinute > 0) {
      const decision = await limits.rateLimiter.consume(`rl:gateway-connect:ip:${ip}`, { limit: limits.connectsPerMinute, periodMs: CONNECT_PERIOD_MS });
      if (!decision.allowed) {
        return refuse(set, 429, Math.max(1, Math.ceil(decision.retryAfterMs / 1000)), "You are connecting too fast.");
      }
    }
    // Counted from now, so that a burst of simultaneous upgrades cannot slip past the cap before any opens.
    const connection = new GatewayConnection(connectionEvents, ip, now());
    reserved.add(connection);
    countIp(ip, 1);
    return connection;
  };

  /**
   * The upgrade: admission, then Bun's own WebSocket upgrade with the connection as the socket's data. Elysia's
   * server-wide WebSocket handler hands open, message and close to `data`, so a gateway socket carries no Elysia
   * context, wrapper or closures: one small object and the session.
   */
  const routes = new Elysia({ name: "xcord.gateway" }).get(
    "/gateway",
    async ({ request, server, set }) => {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        set.status = 400;
        return { code: 0, message: "Expected a WebSocket upgrade request (GET /gateway with Upgrade: websocket)." };
      }
      const admitted = await admit(request, server, set);
      if (!(admitted instanceof GatewayConnection)) return admitted;
      if (server?.upgrade(request, { data: admitted })) return undefined;
      reserved.delete(admitted);
      uncount(admitted);
      set.status = 400;
      return { code: 0, message: "The WebSocket upgrade failed: check the Sec-WebSocket-Key and Sec-WebSocket-Version headers." };
    },
    { detail: { hide: true } },
  );

  return {
    routes,
    /** Closes every gateway session of a revoked identity session with 4004; they cannot resume. */
    async revokeAuthSession(authSessionId: string) {
      const sessions = [...(byAuthSession.get(authSessionId) ?? [])];
      for (const session of sessions) {
        session.superseded = true; // nothing to keep: the session is gone for good
        await resume.forget(session.id);
        if (!session.closed) session.close(CloseCode.AuthenticationFailed, "Session revoked");
      }
    },
    /** Graceful shutdown: op 7 RECONNECT to every client, then close; their sessions stay resumable elsewhere. */
    async shutdown() {
      clearInterval(sweep);
      stopWatchingBus?.();
      await (await takeovers)();
      // Taken out of the table first, so that the close handlers do not end the sessions a second time.
      const all = [...live];
      live.clear();
      for (const [session] of all) {
        session.sendOp(Op.Reconnect, null);
        session.close(CloseCode.UnknownError, "Reconnect");
      }
      await Promise.all(all.map(([session, connection]) => ended(session, connection)));
    },
    sessionCount: () => live.size,
    topicCount: () => router.topicCount(),
  };
};

export type Gateway = ReturnType<typeof createGateway>;

/** What the gateway does when a connection opens, sends a frame, or closes. */
interface ConnectionEvents {
  open(connection: GatewayConnection, socket: SessionSocket): void;
  message(connection: GatewayConnection, message: string | Buffer): void;
  close(connection: GatewayConnection): void;
}

/**
 * One upgraded socket, kept by Bun as the ServerWebSocket's `data`; Elysia's server-wide handler calls these three
 * methods. `ip` is the address the connection counts against (undefined once released, or with no per-IP limits).
 */
class GatewayConnection {
  session: GatewaySession | undefined;
  constructor(
    private readonly events: ConnectionEvents,
    public ip: string | undefined,
    readonly admittedAt: number,
  ) {}

  open(socket: SessionSocket): void {
    this.events.open(this, socket);
  }

  message(_socket: SessionSocket, message: string | Buffer): void {
    this.events.message(this, message);
  }

  close(): void {
    this.events.close(this);
  }
}

/**
 * A frame as sent by a client: a text frame holding a JSON object of at most MAX_FRAME_BYTES (re-serialized), with
 * an integer op. Anything else (text that is not a JSON object, a JSON string literal spelling a frame, binary) is a
 * decode error. The raw frame, whitespace included, is capped by the server's WebSocket payload limit.
 */
const decode = (raw: string | Buffer): { op: number; d?: unknown } | undefined => {
  if (typeof raw !== "string" || raw.charCodeAt(0) !== 0x7b /* { */) return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (frame === null || typeof frame !== "object" || Array.isArray(frame)) return undefined;
  if (JSON.stringify(frame).length > MAX_FRAME_BYTES) return undefined;
  return checkFrame.Check(frame) ? (frame as { op: number; d?: unknown }) : undefined;
};
