import type { Delivery, DispatchRules, PresenceTracker, ReadyContributor, Viewer } from "../../../shared/gateway/gateway-ports";
import type { PresenceService } from "../application/presence-service";
import { clientStatusOf } from "../domain/presence";
import type { PresenceEvent } from "../domain/presence-events";
import type { BlockEntry, BlockList } from "../../../shared/kernel/users";

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
 * other members of the guild, except those the user blocked (`blocks`: the node's entries, a value once known).
 */
export const presenceDispatchRules = (blocks: BlockList): DispatchRules<PresenceEvent> => ({
  PRESENCE_UPDATED: ({ data }, viewer) => {
    if (data.user_id === viewer.userId) return null;
    const decide = (entry: BlockEntry) => (entry.blockedBy.has(data.user_id) ? null : deliveryOf(data));
    const entry = blocks.of(viewer.userId);
    return entry instanceof Promise ? entry.then(decide) : decide(entry);
  },
});

/** The gateway's view of the presence service; `blocks` hides from a viewer the presence of those who blocked it. */
export const presenceTracker = (presence: PresenceService, blocks: BlockList): PresenceTracker => ({
  connected: (viewer, sessionId, input) => presence.connected(viewer.userId, sessionId, input),
  changed: (viewer, sessionId, input) => presence.changed(viewer.userId, sessionId, input),
  heartbeat: (viewer, sessionId) => presence.heartbeat(viewer.userId, sessionId),
  disconnected: (viewer, sessionId) => presence.disconnected(viewer.userId, sessionId),
  presencesOf: async (viewer, userIds, guildId) => {
    const entry = await blocks.of(viewer.userId);
    return presence.presencesOf(entry.blockedBy.size === 0 ? userIds : userIds.filter((id) => !entry.blockedBy.has(id)), guildId);
  },
});

/**
 * READY `presences[]`: the presence (status, activities, client_status) of the users the session can see in its
 * guilds, minus itself, those offline and those who blocked it. `peersOf` bounds the list (members of small guilds), so READY stays small
 * in large guilds.
 */
export const presenceReady =
  (presence: PresenceService, peersOf: (viewer: Viewer) => Promise<readonly string[]>, blocks: BlockList): ReadyContributor =>
  async (viewer) => {
    const [all, entry] = await Promise.all([peersOf(viewer), blocks.of(viewer.userId)]);
    // Those who blocked the viewer are left out, as their PRESENCE_UPDATEs are.
    const peers = all.filter((id) => id !== viewer.userId && !entry.blockedBy.has(id));
    return { presences: await presence.presencesOf(peers) };
  };
