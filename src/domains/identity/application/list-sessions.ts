import type { Caller, Session } from "../domain/session";
import type { IdentityDeps } from "./identity-deps";

/** The caller's live sessions (devices), newest first. */
export const listSessions =
  (deps: Pick<IdentityDeps, "repositories" | "clock">) =>
  (caller: Caller): Promise<Session[]> =>
    deps.repositories.sessions.listLive(caller.userId, new Date(deps.clock.now()));
