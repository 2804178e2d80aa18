import type { Caller, Session } from "../domain/session";
import { requireHuman } from "./applications";
import type { IdentityDeps } from "./identity-deps";

/** The caller's live sessions (devices), newest first. */
export const listSessions =
  (deps: Pick<IdentityDeps, "repositories" | "clock">) =>
  async (caller: Caller): Promise<Session[]> => {
    requireHuman(caller);
    return deps.repositories.sessions.listLive(caller.userId, new Date(deps.clock.now()));
  };
