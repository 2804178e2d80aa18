import type { Caller } from "../domain/session";
import { requireHuman } from "./applications";
import type { IdentityDeps } from "./identity-deps";

/** Ends the caller's session: its refresh token stops working, and its access tokens on every node at once. */
export const logOut =
  (deps: Pick<IdentityDeps, "repositories" | "revocations" | "clock">) =>
  async (caller: Caller): Promise<void> => {
    requireHuman(caller);
    await deps.repositories.sessions.revoke(caller.sessionId, caller.userId, new Date(deps.clock.now()));
    await deps.revocations.revoke([caller]);
  };
