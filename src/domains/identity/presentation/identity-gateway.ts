import type { DispatchRules, ReadyContributor } from "../../../shared/gateway/gateway-ports";
import type { UserUpdated } from "../domain/user-events";
import type { IdentityUseCases } from "./identity-module";
import { toCurrentUserBody } from "./identity-schemas";

/** READY `user`: the caller's own account, email included. */
export const identityReady =
  (useCases: Pick<IdentityUseCases, "getCurrentUser">): ReadyContributor =>
  async (viewer) => ({ user: toCurrentUserBody(await useCases.getCurrentUser(viewer)) });

/** USER_UPDATE to the user's own sessions: the event's only topic is `user:<id>`. */
export const identityDispatchRules: DispatchRules = {
  USER_UPDATED: (event) => ({ dispatches: [{ t: "USER_UPDATE", d: (event.data as UserUpdated["data"]).user }] }),
};
