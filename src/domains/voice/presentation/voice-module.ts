import type { Viewer } from "../../../shared/gateway/gateway-ports";
import { parseEvent, topics } from "../../../shared/kernel/domain-event";
import type { KeyValueStore, PubSub } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type RouteSettings, routeDeps } from "../../../shared/presentation/route-kit";
import type { VoiceDeps } from "../application/voice-deps";
import { kvVoiceNodes } from "../application/voice-nodes";
import { createVoiceRooms } from "../application/voice-rooms";
import { kvVoiceTokens } from "../application/voice-tokens";
import { voiceUseCases } from "../application/voice-use-cases";
import type { Sfu } from "../domain/sfu";
import { type GuildAccess, type PermissionResolver, isGuildChannel } from "../../channel";
import { type ChannelPermissions, voiceDispatchRules, voiceReady, voiceStateHandler } from "./voice-gateway";
import { voiceRoutes } from "./voice-routes";
import { voiceSignalingRoutes } from "./voice-signaling";

/** Voice tokens live this long (docs/voice.md). */
const TOKEN_TTL_MS = 10 * 60_000;
/** A voice node drops out of the registry this long after its last refresh. */
const NODE_TTL_MS = 15_000;

/** The ports app.ts builds for voice (the module makes the node registry and the tokens), plus the auth plugin and rate-limit settings. */
export interface VoiceModuleDeps extends Omit<VoiceDeps, "nodes" | "tokens" | "resolveChannel" | "guildStanding">, RouteSettings {
  /** Null when this node does not host voice (no voice role, or MEDIASOUP_WORKERS=0). */
  readonly sfu: Sfu | null;
  readonly kv: KeyValueStore;
  /** Where the rooms hear their guild's events (voice states, a channel or the guild deleted). */
  readonly pubSub: PubSub;
  /** The channel domain's answers: a channel with the user's permissions in it, and a user's standing in a guild. */
  readonly channels: Pick<PermissionResolver, "forChannel">;
  readonly guildAccess: Pick<GuildAccess, "standing">;
  /** The viewer's guilds for READY, as its contributors share them. */
  readonly guildIdsOf: (viewer: Viewer) => Promise<readonly Snowflake[]>;
  readonly channelPermissions: ChannelPermissions;
  readonly nodeId: number;
  /** ws:// or wss:// URL of this node's /voice (known once it listens). */
  readonly endpoint: () => string;
  readonly statsIntervalMs: number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * The voice domain, wired: op 4 for the gateway (with its dispatch rules and READY part), the REST routes, the
 * signaling socket and rooms of this node's SFU, the voice-node registry, and the expiry of abandoned voice states.
 */
export const createVoiceModule = (moduleDeps: VoiceModuleDeps) => {
  const deps = { ...moduleDeps, ...fromChannelDomain(moduleDeps) };
  const { sfu } = deps;
  const hosting = () => sfu !== null && sfu.status().state === "ready";
  const tokens = kvVoiceTokens(deps.kv, TOKEN_TTL_MS);
  const rooms = sfu
    ? createVoiceRooms({
        sfu,
        queries: deps.queries,
        tokens,
        nodeId: deps.nodeId,
        subscribeGuild: (guildId, handler) => deps.pubSub.subscribe(topics.guild(guildId), (message) => handler(parseEvent(message))),
        permissionsIn: async (userId, channelId) => (await deps.channels.forChannel(userId, channelId))?.permissions ?? 0n,
        // useCases is made below; a room calls this only once a client produces video.
        setSelfVideo: (seated, selfVideo) => useCases.setSelfVideo(seated, selfVideo),
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
  const useCases = voiceUseCases({ ...deps, nodes, tokens });
  const leave = useCases.leaveVoice;

  const signaling = voiceSignalingRoutes({
    rooms: rooms ?? createUnavailableRooms(),
    available: hosting,
    identifyTimeoutMs: 10_000,
    now: () => deps.clock.now(),
    onError: deps.onError,
  });

  return {
    routes: voiceRoutes(routeDeps(useCases, deps)),
    useCases,
    /** The signaling socket at /voice (mounted at the root, like /gateway). */
    signaling: signaling.routes,
    gateway: {
      handler: voiceStateHandler(useCases.updateVoiceState),
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
    /** This node's entry in the voice-node registry: app.ts starts its refresh when the node listens. */
    nodes,
    /** Expires abandoned voice states now (tests and maintenance; worker nodes sweep with voice-jobs.ts). */
    expire: useCases.expireVoiceStates,
    /** Sends every signaling socket RECONNECT and closes it (the first step of a stop). */
    closeSignaling: () => signaling.closeAll(),
    /** Closes the rooms, leaves the node registry and stops the SFU (after closeSignaling and the sweep's stop). */
    async stop() {
      await rooms?.close();
      await nodes.stop();
      await sfu?.close();
    },
  };
};

export type VoiceModule = ReturnType<typeof createVoiceModule>;

/** What voice asks of the channel domain, in voice's terms (its VoiceDeps ports). */
const fromChannelDomain = (deps: Pick<VoiceModuleDeps, "channels" | "guildAccess">): Pick<VoiceDeps, "resolveChannel" | "guildStanding"> => ({
  resolveChannel: async (userId, channelId) => {
    const resolved = await deps.channels.forChannel(userId, channelId);
    if (!resolved) return null;
    const { channel } = resolved;
    return { id: channel.id, guildId: resolved.guildId, type: channel.type, userLimit: isGuildChannel(channel) ? channel.userLimit : 0, permissions: resolved.permissions };
  },
  guildStanding: (userId, guildId) => deps.guildAccess.standing(guildId, userId),
});

/** Rooms for a node without an SFU: /voice answers 503 before any of this is reached. */
const createUnavailableRooms = (): ReturnType<typeof createVoiceRooms> => ({
  identify: () => Promise.reject(new Error("voice is unavailable")),
  count: () => 0,
  close: async () => {},
});
