import type { Delivery, DispatchRules, PresenceTracker, ReadyContributor, Viewer } from "../../../shared/gateway/gateway-ports";
import type { PresenceService } from "../application/presence-service";
import { clientStatusOf } from "../domain/presence";
import type { PresenceEvent } from "../domain/presence-events";

/** The delivery of one event, built once for the node and handed to every session that gets it. */
const deliveries = new WeakMap<object, Delivery>();
const deliveryOf = (data: PresenceEvent["data"]): Delivery => {
  let delivery = deliveries.get(data);
  if (delivery === undefined) {
    const d = { user: { id: data.user_id }, guild_id: data.guild_id, status: data.status, activities: data.activities ?? [], client_status: clientStatusOf(data.status) };
    deliveries.set(data, (delivery = { dispatches: [{ d }] }));
  }
  return delivery;
};

/**
 * PRESENCE_UPDATE, Discord's presence object `{user: {id}, guild_id, status, activities, client_status}`, to the
 * other members of the guild.
 */
export const presenceDispatchRules: DispatchRules<PresenceEvent> = {
  PRESENCE_UPDATED: ({ data }, viewer) => (data.user_id === viewer.userId ? null : deliveryOf(data)),
};

/** The gateway's view of the presence service. */
export const presenceTracker = (presence: PresenceService): PresenceTracker => ({
  connected: (viewer, sessionId, input) => presence.connected(viewer.userId, sessionId, input),
  changed: (viewer, sessionId, input) => presence.changed(viewer.userId, sessionId, input),
  heartbeat: (viewer, sessionId) => presence.heartbeat(viewer.userId, sessionId),
  disconnected: (viewer, sessionId) => presence.disconnected(viewer.userId, sessionId),
  presencesOf: (userIds, guildId) => presence.presencesOf(userIds, guildId),
});

/**
 * READY `presences[]`: the presence (status, activities, client_status) of the users the session can see in its
 * guilds, minus itself and those offline. `peersOf` bounds the list (members of small guilds), so READY stays small
 * in large guilds.
 */
export const presenceReady =
  (presence: PresenceService, peersOf: (viewer: Viewer) => Promise<readonly string[]>): ReadyContributor =>
  async (viewer) => {
    const peers = (await peersOf(viewer)).filter((id) => id !== viewer.userId);
    return { presences: await presence.presencesOf(peers) };
  };
