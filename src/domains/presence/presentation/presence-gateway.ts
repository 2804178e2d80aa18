import type { DispatchRules, PresenceTracker, ReadyContributor, Viewer } from "../../../shared/gateway/gateway-ports";
import type { PresenceService } from "../application/presence-service";
import type { PresenceEvent } from "../domain/presence-events";

/** PRESENCE_UPDATE `{user: {id}, guild_id, status}` to the other members of the guild. */
export const presenceDispatchRules: DispatchRules<PresenceEvent> = {
  PRESENCE_UPDATED: ({ data }, viewer) =>
    data.user_id === viewer.userId ? null : { dispatches: [{ d: { user: { id: data.user_id }, guild_id: data.guild_id, status: data.status } }] },
};

/** The gateway's view of the presence service. */
export const presenceTracker = (presence: PresenceService): PresenceTracker => ({
  connected: (viewer, sessionId, status) => presence.connected(viewer.userId, sessionId, status),
  changed: (viewer, sessionId, status) => presence.changed(viewer.userId, sessionId, status),
  heartbeat: (viewer, sessionId) => presence.heartbeat(viewer.userId, sessionId),
  disconnected: (viewer, sessionId) => presence.disconnected(viewer.userId, sessionId),
});

/**
 * READY `presences[]`: the current status of the users the session can see in its guilds, minus itself.
 * `peersOf` bounds the list (members of small guilds), so READY stays small in large guilds.
 */
export const presenceReady =
  (presence: PresenceService, peersOf: (viewer: Viewer) => Promise<readonly string[]>): ReadyContributor =>
  async (viewer) => {
    const peers = (await peersOf(viewer)).filter((id) => id !== viewer.userId);
    const statuses = await presence.statuses(peers);
    return {
      presences: [...statuses].filter(([, status]) => status !== "offline").map(([id, status]) => ({ user: { id }, status })),
    };
  };
