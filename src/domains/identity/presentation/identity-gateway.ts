import type { DispatchRules, ReadyContributor } from "../../../shared/gateway/gateway-ports";
import type { UserEvent } from "../domain/user-events";
import type { IdentityUseCases } from "../application/identity-use-cases";
import { toCurrentUserBody } from "./identity-schemas";

/** READY `user`: the caller's own account, email included. */
export const identityReady =
  (useCases: Pick<IdentityUseCases, "getCurrentUser">): ReadyContributor =>
  async (viewer) => ({ user: toCurrentUserBody(await useCases.getCurrentUser(viewer)) });

/**
 * USER_UPDATE to the user's own sessions: the event's only session topic is `user:<id>`. Creation and deletion are
 * for the nodes' profile caches only.
 */
export const identityDispatchRules: DispatchRules<UserEvent> = {
  USER_CREATED: null,
  USER_UPDATED: (event) => ({ dispatches: [{ d: event.data.user }] }),
  USER_DELETED: null,
};
