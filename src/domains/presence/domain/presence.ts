export type { Activity } from "../../../shared/kernel/presence";

/** What a session may set (API.md op 3). */
export type SessionStatus = "online" | "idle" | "dnd" | "invisible";
/** What others see. */
export type VisibleStatus = "online" | "idle" | "dnd" | "offline";

export const SESSION_STATUSES: readonly SessionStatus[] = ["online", "idle", "dnd", "invisible"];

/** A live session's presence, as stored. */
export interface PresenceSession {
  readonly sessionId: string;
  readonly status: SessionStatus;
  /** The session counts until then; heartbeats push it forward, so a dead node's sessions lapse. */
  readonly expiresAt: number;
}

/** Do-not-disturb is a deliberate choice and wins; then activity on any device; idle last. */
const PRIORITY: Record<Exclude<SessionStatus, "invisible">, number> = { dnd: 3, online: 2, idle: 1 };

/**
 * The status others see for a user with these sessions: offline without a live visible session
 * (invisible sessions show as offline), else the highest-priority status among live sessions.
 */
export const aggregateStatus = (sessions: readonly PresenceSession[], now: number): VisibleStatus => {
  let best: VisibleStatus = "offline";
  let bestRank = 0;
  for (const session of sessions) {
    if (session.expiresAt <= now || session.status === "invisible") continue;
    const rank = PRIORITY[session.status];
    if (rank > bestRank) {
      best = session.status;
      bestRank = rank;
    }
  }
  return best;
};

export const isSessionStatus = (value: string): value is SessionStatus => (SESSION_STATUSES as readonly string[]).includes(value);

/** Discord's `client_status`: the status per platform; XCord does not tell platforms apart and reports `desktop`. */
export const clientStatusOf = (status: VisibleStatus): Readonly<Record<string, string>> => (status === "offline" ? {} : { desktop: status });
