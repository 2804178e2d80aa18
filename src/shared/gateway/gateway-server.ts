import type { DomainEvent } from "../kernel/domain-event";
import type { EventStream, KeyValueStore, PubSub } from "../kernel/ports";
import type { Logger } from "../infrastructure/logger";
import type { Metrics } from "../infrastructure/metrics";
import type { Tracing } from "../infrastructure/tracing/tracing";
import { watchEventBus } from "./bus-health";
import { createConnectionAdmission, type GatewayConnectionLimits } from "./connection-admission";
import { createFrameHandler } from "./frame-handler";
import type { GatewayConnection } from "./gateway-connection";
import type { EventRoutes, GatewayAuthenticator, GuildMemberDirectory, PresenceTracker, ReadyContributor, Viewer, VoiceStateHandler } from "./gateway-ports";
import type { IdentifyBudget } from "./identify-budget";
import { gatewayUpgradeRoute } from "./gateway-upgrade-route";
import { createResumeStore } from "./resume-store";
import { createSessionLifecycle } from "./session-lifecycle";
import { createSessionRegistry } from "./session-registry";
import { startSessionSweeper } from "./session-sweeper";
import { createSessionTakeover } from "./session-takeover";
import { createTopicRouter } from "./topic-router";

export type { GatewayConnectionLimits };

export interface GatewayOptions {
  readonly pubSub: PubSub;
  readonly kv: KeyValueStore;
  readonly stream: EventStream;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly authenticate: GatewayAuthenticator;
  readonly contributors: readonly ReadyContributor[];
  readonly rules: EventRoutes;
  /** Called once per event reaching the node, before sessions handle it (e.g. to drop cached permissions). */
  readonly observers?: ReadonlyArray<(event: DomainEvent) => void>;
  /** Called for each event a session is sent under its own dispatch name (SessionDeps.onForwarded). */
  readonly onForwarded?: (event: DomainEvent, viewer: Viewer) => void;
  readonly presence: PresenceTracker;
  readonly voice?: VoiceStateHandler;
  /** Guild members for op 8 and a bot's GUILD_CREATE. */
  readonly members?: GuildMemberDirectory;
  /** Sessions a user may start per day; unlimited without it. */
  readonly identifyBudget?: IdentifyBudget;
  /** ws:// or wss:// URL of /gateway that clients resume at (known once the node listens). */
  readonly url: () => string;
  readonly heartbeatIntervalMs: number;
  readonly identifyTimeoutMs: number;
  /** How long a dropped session can be resumed (API.md: 2 minutes). */
  readonly resumeWindowMs: number;
  /** Per-IP limits checked before the upgrade (refused with HTTP 429); none when absent. */
  readonly connectionLimits?: GatewayConnectionLimits;
  readonly now?: () => number;
  /** Dispatch spans in the trace each event carries, when tracing is on. */
  readonly tracing?: Tracing;
}

/**
 * The WebSocket gateway: sessions, opcodes, heartbeats, resume, and the dispatch of domain events. Each part owns
 * its own state; this wires them, in the order their subscriptions and timers start.
 */
export const createGateway = (options: GatewayOptions) => {
  const now = options.now ?? Date.now;
  const { logger, metrics, pubSub } = options;
  const onError = (error: unknown, context: Record<string, unknown>) => logger.error({ err: error, ...context }, "gateway error");
  const observers = options.observers ?? [];
  const router = createTopicRouter(
    pubSub,
    (error, topic) => onError(error, { topic }),
    (event) => {
      for (const observe of observers) observe(event);
    },
    options.tracing,
  );
  const resume = createResumeStore(options.kv, options.resumeWindowMs);
  const sessions = createSessionRegistry<GatewayConnection>(resume);
  const takeover = createSessionTakeover(pubSub, sessions, onError);
  const bus = watchEventBus(pubSub, logger, sessions);
  const admission = createConnectionAdmission(options.connectionLimits, now);
  const handleFrame = createFrameHandler({
    authenticate: options.authenticate,
    contributors: options.contributors,
    presence: options.presence,
    voice: options.voice,
    members: options.members,
    identifyBudget: options.identifyBudget,
    resume,
    stream: options.stream,
    resumeUrl: options.url,
    now,
    onError,
    takeOver: takeover.takeOver,
    bindAuthSession: sessions.bindAuthSession,
    tracing: options.tracing,
  });
  const lifecycle = createSessionLifecycle({
    sessions,
    admission,
    busUp: bus.isUp,
    handleFrame,
    sessionDeps: { rules: options.rules, router, resume, onError, onSlowConsumer: () => metrics.gatewaySlowConsumers.inc(), ...(options.onForwarded ? { onForwarded: options.onForwarded } : {}) },
    resume,
    presence: options.presence,
    metrics,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    now,
    onError,
  });
  const stopSweeping = startSessionSweeper(options, now, admission, sessions);

  return {
    routes: gatewayUpgradeRoute({ busUp: bus.isUp, admission, events: lifecycle.events }),
    revokeAuthSession: sessions.revoke,
    /** Graceful shutdown: op 7 RECONNECT to every client, then close; their sessions stay resumable elsewhere. */
    async shutdown() {
      stopSweeping();
      bus.stop();
      await takeover.stop();
      await lifecycle.endAll();
    },
    sessionCount: () => sessions.size,
    topicCount: () => router.topicCount(),
  };
};

export type Gateway = ReturnType<typeof createGateway>;
