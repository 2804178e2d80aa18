/*
 * The presence domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Who is online, across sessions and nodes.
 */

// The service and its gateway part.
export { type PresenceService, createPresenceService } from "./application/presence-service";
export { presenceDispatchRules, presenceReady, presenceTracker } from "./presentation/presence-gateway";

// Events.
export type { PresenceEvent, PresenceUpdated } from "./domain/presence-events";
