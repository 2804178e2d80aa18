import type { PresenceSession, SessionStatus, VisibleStatus } from "./presence";

/** Presence shared by every node (Redis in production, memory in zero-setup). */
export interface PresenceStore {
  /** Records or refreshes a session's status and expiry. */
  put(userId: string, session: PresenceSession): Promise<void>;
  /** Forgets a session. */
  remove(userId: string, sessionId: string): Promise<void>;
  /** The user's recorded sessions (some may have lapsed). */
  sessions(userId: string): Promise<PresenceSession[]>;
  /** Takes (atomically, once across nodes) up to `limit` sessions that lapsed before `now`. */
  claimLapsed(now: number, limit: number): Promise<Array<{ userId: string; sessionId: string }>>;
  /** Asks for the user to be announced offline at `at` unless a session comes back first. */
  scheduleOffline(userId: string, at: number): Promise<void>;
  cancelOffline(userId: string): Promise<void>;
  /** Takes (atomically, once across nodes) the users whose offline announcement is due. */
  claimDueOffline(now: number, limit: number): Promise<string[]>;
  /** The last status announced for the user, to announce only changes. */
  announced(userId: string): Promise<VisibleStatus>;
  setAnnounced(userId: string, status: VisibleStatus): Promise<void>;
  /** Statuses of many users at once (READY). */
  statuses(userIds: readonly string[]): Promise<Map<string, VisibleStatus>>;
}

export type { PresenceSession, SessionStatus };
