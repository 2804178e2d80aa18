/*
 * The identity domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Accounts, sessions and tokens.
 */

// The module, wired (routes, auth plugin, gateway part, profile lookups) and its background job.
export { type IdentityModule, createIdentityModule } from "./presentation/identity-module";
export { startSessionPurge } from "./application/identity-jobs";

// Events.
export type { UserCreated, UserDeleted, UserEvent, UserUpdated } from "./domain/user-events";
export type { RelationshipAdded, RelationshipEvent, RelationshipRemoved } from "./domain/relationship-events";

// Wire schemas other domains' routes and the AsyncAPI document embed.
export { CurrentUserBody, UserBody } from "./presentation/identity-schemas";
export { RelationshipBody } from "./presentation/relationship-schemas";
