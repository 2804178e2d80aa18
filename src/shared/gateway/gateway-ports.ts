import type { DomainEvent, EventOfType, Topic } from "../kernel/domain-event";
import type { PresenceInput, PresencePayload } from "../kernel/presence";
import type { Caller } from "../kernel/users";

export type { Activity, PresenceInput, PresencePayload } from "../kernel/presence";

/** The user a gateway session belongs to; `bot` is present for a bot account (its application). */
export type Viewer = Caller;

/** A dispatch to send: event name and payload. */
export interface Dispatch {
  readonly t: string;
  readonly d: unknown;
}

/**
 * What one event means for one session: what to send and which topics to start or stop hearing. A dispatch without
 * `t` goes under the event's own dispatch name.
 */
export interface Delivery {
  readonly dispatches: readonly (Dispatch | { readonly t?: undefined; readonly d: unknown })[];
  readonly subscribe?: readonly Topic[];
  readonly unsubscribe?: readonly Topic[];
}

/**
 * A rule's answer for one viewer: FORWARD sends the event's data under the event's own dispatch name (the one table
 * of names, DispatchNames); a Delivery says what to send instead and which topics to join or leave (a user joining
 * a guild gets GUILD_CREATE); null means the viewer may not see it. FORWARD is a constant, so the common answer
 * allocates nothing per session.
 */
export const FORWARD: unique symbol = Symbol("forward");
export type Decision = Delivery | typeof FORWARD | null;

/** The rule of events that every session hearing their topic may see as they are. */
export const forwardToAll = (): typeof FORWARD => FORWARD;

/** How one domain event becomes dispatches for one viewer. */
export type DispatchRule<E extends DomainEvent = DomainEvent> = (event: E, viewer: Viewer) => Promise<Decision> | Decision;

/**
 * A rule for every event of the union `E`, typed by the event it receives; null for an event no session is sent
 * (it exists for the nodes' caches and consumers). Each domain's presentation layer writes the rules of its own
 * events; the composition root joins them into one object for the whole union, so an event left without a rule, or
 * a rule for an event that does not exist, does not compile.
 */
export type DispatchRules<E extends DomainEvent = DomainEvent> = { readonly [K in E["type"]]: DispatchRule<EventOfType<E, K>> | null };

/** The gateway dispatch name (API.md) of each event of the union `E`; null for events no session is sent. */
export type DispatchNames<E extends DomainEvent = DomainEvent> = { readonly [K in E["type"]]: string | null };

/** What the gateway looks up per event: the rule and the dispatch name it forwards under. */
export interface EventRoute {
  readonly name: string;
  readonly rule: DispatchRule;
}

/** Every dispatched event type's route; an event type absent here is not sent to sessions. */
export type EventRoutes = ReadonlyMap<string, EventRoute>;

/**
 * Joins the rules and the names into the gateway's table. A rule is typed by its own event; the gateway calls it
 * with any event of that type, which is what `rules` being keyed by type guarantees.
 */
export const eventRoutes = <E extends DomainEvent>(rules: DispatchRules<E>, names: DispatchNames<E>): EventRoutes => {
  const routes = new Map<string, EventRoute>();
  for (const type of Object.keys(rules) as E["type"][]) {
    const rule = rules[type] as DispatchRule | null;
    const name = names[type];
    if ((rule === null) !== (name === null)) throw new Error(`${type}: an event is dispatched with both a rule and a name, or with neither`);
    if (rule !== null && name !== null) routes.set(type, { name, rule });
  }
  return routes;
};

/** The parts of READY each domain contributes, merged by the gateway. */
export interface ReadyContribution {
  readonly user?: unknown;
  readonly guilds?: readonly unknown[];
  readonly private_channels?: readonly unknown[];
  /** A person's friends, requests and blocks (a bot's READY has none). */
  readonly relationships?: readonly unknown[];
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

/** Discord's default large_threshold: a bot's GUILD_CREATE lists every member of a guild up to that size. */
export const DEFAULT_LARGE_THRESHOLD = 50;

/** What a bot's GUILD_CREATE adds to the guild as READY lists it. */
export interface GuildCreateParts {
  readonly joined_at: string | null;
  readonly large: boolean;
  readonly members: readonly unknown[];
  readonly presences: readonly unknown[];
  readonly voice_states: readonly unknown[];
}

/**
 * Discord's complete GUILD_CREATE, as a bot gets it after READY and on joining: the guild, the parts above, and the
 * lists of what XCord has no such thing for (threads, stickers, stages, events, sounds), empty.
 */
export const completeGuildCreate = <G extends object>(guild: G, parts: GuildCreateParts) => ({
  // The guild's own emoji when it carries them.
  emojis: [] as readonly unknown[],
  // The guild's active threads when it carries them.
  threads: [] as readonly unknown[],
  ...guild,
  ...parts,
  stickers: [],
  stage_instances: [],
  guild_scheduled_events: [],
  soundboard_sounds: [],
  unavailable: false,
});

/** Authenticates a gateway token; throws when it is invalid, expired or revoked. */
export type GatewayAuthenticator = (token: string) => Promise<Caller>;

/** What the gateway tells presence about sessions, and asks of it; implemented by the presence domain. */
export interface PresenceTracker {
  /** A session came online (or resumed) with a status and activities. */
  connected(viewer: Viewer, gatewaySessionId: string, presence: PresenceInput): Promise<void>;
  /** The client changed its status or activities. */
  changed(viewer: Viewer, gatewaySessionId: string, presence: PresenceInput): Promise<void>;
  /** The session is alive (heartbeat); keeps it from expiring. */
  heartbeat(viewer: Viewer, gatewaySessionId: string): Promise<void>;
  /** The session closed. */
  disconnected(viewer: Viewer, gatewaySessionId: string): Promise<void>;
  /** The presences of these users that are not offline, for `guildId` when given, as `viewer` may see them (not of those who blocked it). */
  presencesOf(viewer: Viewer, userIds: readonly string[], guildId?: string): Promise<PresencePayload[]>;
}

/** A guild member on the wire (Discord's guild member object); `user.id` names them. */
export interface MemberPayloadLike {
  readonly user: { readonly id: string };
  readonly joined_at: string;
}

/** What op 8 asks for: some user ids, or usernames starting with `query` ("" for all), up to `limit` (0: no limit). */
export interface MemberQuery {
  readonly userIds?: readonly string[];
  readonly query?: string;
  readonly limit: number;
}

/** The members of a guild as the gateway reads them; implemented by the guild domain. */
export interface GuildMemberDirectory {
  /** The members matching `query` and the requested ids that are no members; null when the viewer is not a member. */
  find(viewerId: string, guildId: string, query: MemberQuery): Promise<{ members: MemberPayloadLike[]; notFound: string[] } | null>;
  /**
   * A bot's GUILD_CREATE members: every member when the guild has at most `upTo`, else the viewer's own
   * membership alone; `self` is the viewer's (for joined_at). Null when the viewer is not a member.
   */
  forGuildCreate(viewerId: string, guildId: string, upTo: number): Promise<{ self: MemberPayloadLike; members: MemberPayloadLike[] } | null>;
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
