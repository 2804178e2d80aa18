import type { DomainEvent, Topic } from "../kernel/domain-event";

/** The user a gateway session belongs to. */
export interface Viewer {
  readonly userId: string;
  readonly sessionId: string;
}

/** A dispatch to send: event name and payload. */
export interface Dispatch {
  readonly t: string;
  readonly d: unknown;
}

/** What one event means for one session: what to send and which topics to start or stop hearing. */
export interface Delivery {
  readonly dispatches: readonly Dispatch[];
  readonly subscribe?: readonly Topic[];
  readonly unsubscribe?: readonly Topic[];
}

/**
 * How a domain event becomes dispatches for one viewer. Returning null means the viewer may not see it.
 * Rules are looked up by event type; each domain's presentation layer contributes its own.
 */
export type DispatchRule = (event: DomainEvent, viewer: Viewer) => Promise<Delivery | null> | Delivery | null;
export type DispatchRules = Readonly<Record<string, DispatchRule>>;

/** The parts of READY each domain contributes, merged by the gateway. */
export interface ReadyContribution {
  readonly user?: unknown;
  readonly guilds?: readonly unknown[];
  readonly private_channels?: readonly unknown[];
  readonly read_state?: readonly unknown[];
  readonly presences?: readonly unknown[];
  /** Who is in which voice channel of the user's guilds. */
  readonly voice_states?: readonly unknown[];
  /** Topics the session must hear for what READY announced. */
  readonly topics?: readonly Topic[];
}

/** A domain's part of READY for a user. */
export type ReadyContributor = (viewer: Viewer) => Promise<ReadyContribution>;

/**
 * `load` shared by the contributors of one READY: they are called together with the same viewer object (one per
 * IDENTIFY or RESUME), and those asking for the same thing (the user's guilds, say) share one load rather than each
 * running its own. Nothing is kept once the load settles, so a later READY reads afresh.
 */
export const sharedWithinReady = <T>(load: (userId: string) => Promise<T>): ((viewer: Viewer) => Promise<T>) => {
  const loading = new WeakMap<Viewer, Promise<T>>();
  return (viewer) => {
    let pending = loading.get(viewer);
    if (pending === undefined) {
      pending = load(viewer.userId);
      loading.set(viewer, pending);
      const settled = () => void loading.delete(viewer);
      pending.then(settled, settled);
    }
    return pending;
  };
};

/** Authenticates a gateway token; throws when it is invalid, expired or revoked. */
export type GatewayAuthenticator = (token: string) => Promise<{ userId: string; sessionId: string }>;

/** What the gateway tells presence about sessions; implemented by the presence domain. */
export interface PresenceTracker {
  /** A session came online (or resumed) with a status. */
  connected(viewer: Viewer, gatewaySessionId: string, status: string): Promise<void>;
  /** The client changed its status. */
  changed(viewer: Viewer, gatewaySessionId: string, status: string): Promise<void>;
  /** The session is alive (heartbeat); keeps it from expiring. */
  heartbeat(viewer: Viewer, gatewaySessionId: string): Promise<void>;
  /** The session closed. */
  disconnected(viewer: Viewer, gatewaySessionId: string): Promise<void>;
}

/** Op 4 as validated by the gateway. */
export interface VoiceStateRequestPayload {
  readonly guild_id: string;
  readonly channel_id: string | null;
  readonly self_mute: boolean;
  readonly self_deaf: boolean;
}

/** Handles VOICE_STATE_UPDATE (op 4) for the voice domain; resolves with what to dispatch to that session alone. */
export type VoiceStateHandler = (viewer: Viewer, gatewaySessionId: string, payload: VoiceStateRequestPayload) => Promise<readonly Dispatch[]>;
