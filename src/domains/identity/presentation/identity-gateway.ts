import type { DispatchRules, ReadyContributor } from "../../../shared/gateway/gateway-ports";
import type { RelationshipEvent } from "../domain/relationship-events";
import type { UserEvent } from "../domain/user-events";
import type { IdentityUseCases } from "../application/identity-use-cases";
import { toCurrentUserBody } from "./identity-schemas";

/** READY `user`: the caller's own account, email included; `relationships`: a person's friends, requests and blocks. */
export const identityReady =
  (useCases: Pick<IdentityUseCases, "getCurrentUser" | "listRelationships">): ReadyContributor =>
  async (viewer) => {
    const [user, relationships] = await Promise.all([useCases.getCurrentUser(viewer), viewer.bot ? [] : useCases.listRelationships(viewer)]);
    return { user: toCurrentUserBody(user), relationships };
  };

/**
 * USER_UPDATE to the user's own sessions: the event's only session topic is `user:<id>`. Creation and deletion are
 * for the nodes' profile caches only. RELATIONSHIP_ADD and RELATIONSHIP_REMOVE go to the sessions of the side that
 * changed (their only session topic), as Discord's relationship object.
 */
export const identityDispatchRules: DispatchRules<UserEvent | RelationshipEvent> = {
  USER_CREATED: null,
  USER_UPDATED: (event) => ({ dispatches: [{ d: event.data.user }] }),
  USER_DELETED: null,
  RELATIONSHIP_ADDED: ({ data }, viewer) => (data.user_id === viewer.userId ? { dispatches: [{ d: data.relationship }] } : null),
  RELATIONSHIP_REMOVED: ({ data }, viewer) => (data.user_id === viewer.userId ? { dispatches: [{ d: data.relationship }] } : null),
};
