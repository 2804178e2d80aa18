import type { Clock } from "../../../shared/kernel/clock";
import { topics } from "../../../shared/kernel/domain-event";
import { type PresenceUpdated, presenceUpdated } from "../domain/presence-events";
import type { PubSub } from "../../../shared/kernel/ports";
import type { SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import { type SessionStatus, type VisibleStatus, aggregateStatus, isSessionStatus } from "../domain/presence";
import type { PresenceStore } from "../domain/presence-store";


export interface PresenceDeps {
  readonly store: PresenceStore;
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

/**
 * Presence across sessions and nodes: records each session's status, announces the user's aggregate status to
 * the guilds they share when it changes, and announces offline only after the grace period, whether the last
 * session closed cleanly or lapsed with a dead node. Presence is ephemeral: it goes over pub/sub, not the outbox.
 */
export const createPresenceService = (deps: PresenceDeps) => {
  const { store, clock } = deps;

  const announce = async (userId: string, status: VisibleStatus) => {
    if ((await store.announced(userId)) === status) return;
    await store.setAnnounced(userId, status);
    const guildIds = await deps.guildIdsOf(userId);
    const occurredAt = new Date(clock.now()).toISOString();
    await Promise.all(
      guildIds.map((guildId) => {
        const event: PresenceUpdated = { id: deps.ids.next(), occurredAt, ...presenceUpdated(userId, guildId, status) };
        return deps.pubSub.publish(topics.guild(guildId), JSON.stringify(event));
      }),
    );
  };

  /** Announces the aggregate now, or schedules offline after the grace when nothing visible is left. */
  const reconcile = async (userId: string) => {
    const now = clock.now();
    const status = aggregateStatus(await store.sessions(userId), now);
    if (status === "offline") {
      if ((await store.announced(userId)) !== "offline") await store.scheduleOffline(userId, now + deps.offlineGraceMs);
      return;
    }
    await store.cancelOffline(userId);
    await announce(userId, status);
  };

  const record = async (userId: string, sessionId: string, status: string) => {
    const safe: SessionStatus = isSessionStatus(status) ? status : "online";
    await store.put(userId, { sessionId, status: safe, expiresAt: clock.now() + deps.sessionTtlMs });
    await reconcile(userId);
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
    connected: (userId: string, sessionId: string, status: string) => record(userId, sessionId, status),
    changed: (userId: string, sessionId: string, status: string) => record(userId, sessionId, status),
    async heartbeat(userId: string, sessionId: string) {
      const current = (await store.sessions(userId)).find((session) => session.sessionId === sessionId);
      await store.put(userId, { sessionId, status: current?.status ?? "online", expiresAt: clock.now() + deps.sessionTtlMs });
    },
    async disconnected(userId: string, sessionId: string) {
      await store.remove(userId, sessionId);
      await reconcile(userId);
    },
    /** What others see of these users now. */
    statuses: (userIds: readonly string[]) => store.statuses(userIds),
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
