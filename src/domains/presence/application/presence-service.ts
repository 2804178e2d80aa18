import type { Clock } from "../../../shared/kernel/clock";
import type { PresenceInput, PresencePayload } from "../../../shared/kernel/presence";
import { topics } from "../../../shared/kernel/domain-event";
import { type PresenceUpdated, presenceUpdated } from "../domain/presence-events";
import type { KeyValueStore, PubSub } from "../../../shared/kernel/ports";
import type { SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import { type Activity, type SessionStatus, type VisibleStatus, aggregateStatus, clientStatusOf, isSessionStatus } from "../domain/presence";
import type { PresenceStore } from "../domain/presence-store";

/** How long a user's activities are kept without a change; going offline clears them at once. */
const ACTIVITIES_TTL_MS = 24 * 60 * 60_000;
const activitiesKey = (userId: string) => `presence:activities:${userId}`;
const parseActivities = (raw: string | null): Activity[] => (raw ? (JSON.parse(raw) as Activity[]) : []);

export interface PresenceDeps {
  readonly store: PresenceStore;
  /** Where each user's activities are kept (the latest set by any of their sessions), shared by every node. */
  readonly kv: KeyValueStore;
  readonly pubSub: PubSub;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  /** The guilds whose members hear the user's presence (large guilds are left out by the caller). */
  readonly guildIdsOf: (userId: string) => Promise<readonly string[]>;
  /** How long a session counts without a heartbeat. */
  readonly sessionTtlMs: number;
  /** How long a user stays online after the last session went (API.md: 15 s). */
  readonly offlineGraceMs: number;
  readonly onError: (error: unknown) => void;
}

/** A session's presence without activities: one object per status for the node, not one per connected session. */
const STATUS_ONLY: Readonly<Record<SessionStatus, PresenceInput>> = Object.freeze({
  online: Object.freeze({ status: "online" }),
  idle: Object.freeze({ status: "idle" }),
  dnd: Object.freeze({ status: "dnd" }),
  invisible: Object.freeze({ status: "invisible" }),
});

/**
 * Presence across sessions and nodes: records each session's status, announces the user's aggregate status to
 * the guilds they share when it changes, and announces offline only after the grace period, whether the last
 * session closed cleanly or lapsed with a dead node. Presence is ephemeral: it goes over pub/sub, not the outbox.
 */
export const createPresenceService = (deps: PresenceDeps) => {
  const { store, clock } = deps;
  /**
   * What each of this node's sessions last set (status, and activities once it set any), until it disconnects: to
   * record a session again as it was when the store lost it while it stayed connected (see `heartbeat`).
   */
  const local = new Map<string, PresenceInput>();

  const activitiesOf = async (userId: string): Promise<Activity[]> => parseActivities(await deps.kv.get(activitiesKey(userId)));

  /** Announces the user's status and activities, unless nothing changed since the last announcement. */
  const announce = async (userId: string, status: VisibleStatus, activitiesChanged = false) => {
    if (!activitiesChanged && (await store.announced(userId)) === status) return;
    await store.setAnnounced(userId, status);
    if (status === "offline") await deps.kv.delete(activitiesKey(userId));
    const activities = status === "offline" ? [] : await activitiesOf(userId);
    const guildIds = await deps.guildIdsOf(userId);
    const occurredAt = new Date(clock.now()).toISOString();
    await Promise.all(
      guildIds.map((guildId) => {
        const event: PresenceUpdated = { id: deps.ids.next(), occurredAt, ...presenceUpdated(userId, guildId, status, activities) };
        return deps.pubSub.publish(topics.guild(guildId), JSON.stringify(event));
      }),
    );
  };

  /** Announces the aggregate now, or schedules offline after the grace when nothing visible is left. */
  const reconcile = async (userId: string, activitiesChanged = false) => {
    const now = clock.now();
    const status = aggregateStatus(await store.sessions(userId), now);
    if (status === "offline") {
      if ((await store.announced(userId)) !== "offline") await store.scheduleOffline(userId, now + deps.offlineGraceMs);
      return;
    }
    await store.cancelOffline(userId);
    await announce(userId, status, activitiesChanged);
  };

  /** Keeps the user's activities; true when they changed. */
  const setActivities = async (userId: string, activities: readonly Activity[]): Promise<boolean> => {
    const current = await deps.kv.get(activitiesKey(userId));
    const next = JSON.stringify(activities);
    if ((current ?? "[]") === next) return false;
    if (activities.length === 0) await deps.kv.delete(activitiesKey(userId));
    else await deps.kv.set(activitiesKey(userId), next, ACTIVITIES_TTL_MS);
    return true;
  };

  const record = async (userId: string, sessionId: string, presence: PresenceInput) => {
    const safe: SessionStatus = isSessionStatus(presence.status) ? presence.status : "online";
    const activities = presence.activities ?? local.get(sessionId)?.activities;
    local.set(sessionId, activities === undefined ? STATUS_ONLY[safe] : { status: safe, activities });
    await store.put(userId, { sessionId, status: safe, expiresAt: clock.now() + deps.sessionTtlMs });
    const activitiesChanged = presence.activities === undefined ? false : await setActivities(userId, presence.activities);
    await reconcile(userId, activitiesChanged);
  };

  /** Reaps lapsed sessions and makes due offline announcements; any node may run it. */
  const sweep = async () => {
    const now = clock.now();
    const lapsed = await store.claimLapsed(now, 500);
    for (const userId of new Set(lapsed.map((entry) => entry.userId))) await reconcile(userId);
    for (const userId of await store.claimDueOffline(now, 500)) {
      // A session that came back during the grace cancels it; check again at the deadline.
      if (aggregateStatus(await store.sessions(userId), now) === "offline") await announce(userId, "offline");
    }
  };

  let timer: Timer | undefined;
  return {
    /** A session came online (or resumed); activities absent leave the user's as they are. */
    connected: (userId: string, sessionId: string, presence: PresenceInput) => record(userId, sessionId, presence),
    /** A session set its status, and its activities when given. */
    changed: (userId: string, sessionId: string, presence: PresenceInput) => record(userId, sessionId, presence),
    /**
     * Keeps the session counted. A session the store no longer has, although it stayed connected, was reaped while
     * its heartbeats could not be recorded (Redis away) or went with Redis' data, and may have been announced
     * offline meanwhile: it is recorded again as it last was and the user announced again, without a reconnect.
     */
    async heartbeat(userId: string, sessionId: string) {
      const current = (await store.sessions(userId)).find((session) => session.sessionId === sessionId);
      const last = current ? undefined : local.get(sessionId);
      if (last) await record(userId, sessionId, last);
      else await store.put(userId, { sessionId, status: current?.status ?? "online", expiresAt: clock.now() + deps.sessionTtlMs });
    },
    async disconnected(userId: string, sessionId: string) {
      local.delete(sessionId);
      await store.remove(userId, sessionId);
      await reconcile(userId);
    },
    /** What others see of these users now. */
    statuses: (userIds: readonly string[]) => store.statuses(userIds),
    /** Discord's presence objects of these users that are not offline, with `guild_id` when given. */
    async presencesOf(userIds: readonly string[], guildId?: string): Promise<PresencePayload[]> {
      const online = [...(await store.statuses(userIds))].filter(([, status]) => status !== "offline");
      // One read for every online user's activities (one MGET on Redis), not one per user.
      const activities = online.length === 0 ? [] : await deps.kv.getMany(online.map(([id]) => activitiesKey(id)));
      return online.map(([id, status], index) => ({
        user: { id },
        status,
        activities: parseActivities(activities[index] ?? null),
        client_status: clientStatusOf(status),
        ...(guildId === undefined ? {} : { guild_id: guildId }),
      }));
    },
    sweep,
    start(intervalMs = 1000) {
      timer = setInterval(() => void sweep().catch(deps.onError), intervalMs);
      timer.unref?.();
    },
    stop() {
      clearInterval(timer);
    },
  };
};

export type PresenceService = ReturnType<typeof createPresenceService>;
