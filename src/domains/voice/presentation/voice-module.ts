import { Elysia } from "elysia";
import type { Viewer } from "../../../shared/gateway/gateway-ports";
import type { Clock } from "../../../shared/kernel/clock";
import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { EventStream, KeyValueStore, RateLimiter } from "../../../shared/kernel/ports";
import type { Snowflake, SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import { rateLimiting } from "../../../shared/presentation/rate-limit";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import type { ResolvedVoiceChannel, VoiceDeps } from "../application/voice-deps";
import { expireVoiceStates, listVoiceStates, moderateVoice } from "../application/voice-moderation";
import { kvVoiceNodes } from "../application/voice-nodes";
import { createVoiceRooms } from "../application/voice-rooms";
import { leaveVoice, updateVoiceState } from "../application/voice-state-updates";
import { kvVoiceTokens } from "../application/voice-tokens";
import type { Sfu } from "../domain/sfu";
import type { VoiceQueries, VoiceUnitOfWork } from "../domain/voice-repository";
import { type ChannelPermissions, voiceDispatchRules, voiceReady, voiceStateHandler } from "./voice-gateway";
import { voiceRoutes } from "./voice-routes";
import { voiceSignalingRoutes } from "./voice-signaling";

/** Voice tokens live this long (docs/voice.md). */
const TOKEN_TTL_MS = 10 * 60_000;
/** A voice node drops out of the registry this long after its last refresh. */
const NODE_TTL_MS = 15_000;
const MEMBERSHIP_GROUP = "voice-membership";
/** A removed member leaves voice; the membership consumer reads no other event. */
const MEMBERSHIP_EVENTS: ReadonlySet<string> = new Set(["GUILD_MEMBER_REMOVE"]);

export interface VoiceModuleDeps {
  readonly unitOfWork: VoiceUnitOfWork;
  readonly queries: VoiceQueries;
  /** Null when this node does not host voice (no voice role, or MEDIASOUP_WORKERS=0). */
  readonly sfu: Sfu | null;
  readonly kv: KeyValueStore;
  /** The durable event stream: members who leave a guild leave its voice channels. */
  readonly stream: EventStream;
  /** This node's name in consumer groups. */
  readonly consumerName: string;
  readonly subscribeGuild: (guildId: Snowflake, handler: (event: DomainEvent) => void) => Promise<() => Promise<void>>;
  readonly resolveChannel: (userId: Snowflake, channelId: Snowflake) => Promise<ResolvedVoiceChannel | null>;
  readonly guildStanding: VoiceDeps["guildStanding"];
  /** The viewer's guilds for READY, as its contributors share them. */
  readonly guildIdsOf: (viewer: Viewer) => Promise<readonly Snowflake[]>;
  readonly channelPermissions: ChannelPermissions;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly nodeId: number;
  /** ws:// or wss:// URL of this node's /voice (known once it listens). */
  readonly endpoint: () => string;
  readonly stateTtlMs: number;
  readonly statsIntervalMs: number;
  readonly roomCapacity: number;
  readonly auth: AuthPlugin;
  readonly rateLimiter: RateLimiter;
  readonly rateLimitScale: number;
  readonly trustProxy: boolean;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * The voice domain, wired: op 4 for the gateway (with its dispatch rules and READY part), the REST routes, the
 * signaling socket and rooms of this node's SFU, the voice-node registry, and the expiry of abandoned voice states.
 */
export const createVoiceModule = (deps: VoiceModuleDeps) => {
  const { sfu } = deps;
  const hosting = () => sfu !== null && sfu.status().state === "ready";
  const tokens = kvVoiceTokens(deps.kv, TOKEN_TTL_MS);
  const rooms = sfu
    ? createVoiceRooms({
        sfu,
        queries: deps.queries,
        tokens,
        nodeId: deps.nodeId,
        subscribeGuild: deps.subscribeGuild,
        stateTtlMs: deps.stateTtlMs,
        statsIntervalMs: deps.statsIntervalMs,
        now: () => deps.clock.now(),
        onError: deps.onError,
      })
    : null;
  const nodes = kvVoiceNodes({
    kv: deps.kv,
    nodeId: deps.nodeId,
    self: () => (hosting() ? { endpoint: deps.endpoint(), rooms: rooms?.count() ?? 0 } : null),
    ttlMs: NODE_TTL_MS,
    onError: (error) => deps.onError(error, { what: "voice node registry" }),
  });
  const voiceDeps: VoiceDeps = {
    unitOfWork: deps.unitOfWork,
    queries: deps.queries,
    resolveChannel: deps.resolveChannel,
    guildStanding: deps.guildStanding,
    nodes,
    tokens,
    clock: deps.clock,
    ids: deps.ids,
    stateTtlMs: deps.stateTtlMs,
    roomCapacity: deps.roomCapacity,
  };
  const expire = expireVoiceStates(voiceDeps);
  const timers: Array<ReturnType<typeof setInterval>> = [];
  const stoppers: Array<() => Promise<void>> = [];
  const leave = leaveVoice(voiceDeps);
  /** A member kicked, banned or gone from a guild is out of its voice channels too. */
  const onMembership = async (event: DomainEvent) => {
    if (!MEMBERSHIP_EVENTS.has(event.type)) return;
    const data = event.data as { guild_id: Snowflake; user: { id: Snowflake } };
    await leave(data.user.id, { guildId: data.guild_id });
  };
  const rateLimits = rateLimiting({ limiter: deps.rateLimiter, scale: deps.rateLimitScale, trustProxy: deps.trustProxy });

  const signaling = voiceSignalingRoutes({
    rooms: rooms ?? createUnavailableRooms(),
    available: hosting,
    identifyTimeoutMs: 10_000,
    now: () => deps.clock.now(),
    onError: deps.onError,
  });

  return {
    routes: voiceRoutes({ list: listVoiceStates(voiceDeps), moderate: moderateVoice(voiceDeps), auth: deps.auth, rateLimits }),
    /** The signaling socket at /voice (mounted at the root, like /gateway). */
    signaling: signaling.routes,
    gateway: {
      handler: voiceStateHandler(updateVoiceState(voiceDeps)),
      rules: voiceDispatchRules(deps.channelPermissions),
      ready: voiceReady({ guildIdsOf: deps.guildIdsOf, statesInGuilds: deps.queries.statesInGuilds, channelPermissions: deps.channelPermissions }),
    },
    /** Removes the user's voice state in a guild (they left or were removed from it). */
    leave,
    /** A revoked login loses its voice states too (their signaling sockets close with 4006). */
    async revokeAuthSession(authSessionId: string): Promise<void> {
      for (const state of await deps.queries.statesOfAuthSession(authSessionId)) {
        await leave(state.userId, { gatewaySessionId: state.gatewaySessionId });
      }
    },
    /** For /ready and /metrics. */
    status: () => (sfu ? { ...sfu.status(), hostedRooms: rooms?.count() ?? 0 } : null),
    /**
     * Starts the node registry; with `sweep` (worker nodes), also the expiry of abandoned voice states and the
     * consumer that takes removed members out of voice.
     */
    async start(options: { sweep: boolean; sweepEveryMs?: number }) {
      nodes.start();
      if (options.sweep) {
        stoppers.push(await deps.stream.consume({ group: MEMBERSHIP_GROUP, consumer: deps.consumerName, types: MEMBERSHIP_EVENTS }, onMembership));
        const timer = setInterval(() => void expire().catch((error: unknown) => deps.onError(error, { what: "voice expiry" })), options.sweepEveryMs ?? 5000);
        timer.unref?.();
        timers.push(timer);
      }
    },
    /** Expires abandoned voice states now (tests and maintenance). */
    expire,
    async stop() {
      signaling.closeAll();
      for (const timer of timers) clearInterval(timer);
      for (const stop of stoppers.splice(0)) await stop();
      await rooms?.close();
      await nodes.stop();
      await sfu?.close();
    },
  };
};

export type VoiceModule = ReturnType<typeof createVoiceModule>;

/** Rooms for a node without an SFU: /voice answers 503 before any of this is reached. */
const createUnavailableRooms = (): ReturnType<typeof createVoiceRooms> => ({
  identify: () => Promise.reject(new Error("voice is unavailable")),
  count: () => 0,
  close: async () => {},
});
