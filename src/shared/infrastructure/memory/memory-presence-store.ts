import type { PresenceSession, PresenceStore } from "../../../domains/presence/domain/presence-store";
import type { VisibleStatus } from "../../../domains/presence/domain/presence";

/** Presence of a single node, in memory: the zero-setup twin of RedisPresenceStore. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly byUser = new Map<string, Map<string, PresenceSession>>();
  private readonly offlineAt = new Map<string, number>();
  private readonly announcedStatus = new Map<string, VisibleStatus>();

  /** Records or refreshes a session. */
  async put(userId: string, session: PresenceSession): Promise<void> {
    let sessions = this.byUser.get(userId);
    if (!sessions) this.byUser.set(userId, (sessions = new Map()));
    sessions.set(session.sessionId, session);
  }

  /** Forgets a session. */
  async remove(userId: string, sessionId: string): Promise<void> {
    const sessions = this.byUser.get(userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(userId);
  }

  /** The user's recorded sessions. */
  async sessions(userId: string): Promise<PresenceSession[]> {
    return [...(this.byUser.get(userId)?.values() ?? [])];
  }

  /** Removes and returns lapsed sessions. */
  async claimLapsed(now: number, limit: number): Promise<Array<{ userId: string; sessionId: string }>> {
    const lapsed: Array<{ userId: string; sessionId: string }> = [];
    for (const [userId, sessions] of this.byUser) {
      for (const session of sessions.values()) {
        if (lapsed.length >= limit) return lapsed;
        if (session.expiresAt > now) continue;
        lapsed.push({ userId, sessionId: session.sessionId });
      }
    }
    for (const { userId, sessionId } of lapsed) await this.remove(userId, sessionId);
    return lapsed;
  }

  /** Schedules an offline announcement. */
  async scheduleOffline(userId: string, at: number): Promise<void> {
    this.offlineAt.set(userId, at);
  }

  async cancelOffline(userId: string): Promise<void> {
    this.offlineAt.delete(userId);
  }

  /** Removes and returns due offline announcements. */
  async claimDueOffline(now: number, limit: number): Promise<string[]> {
    const due = [...this.offlineAt].filter(([, at]) => at <= now).slice(0, limit).map(([userId]) => userId);
    for (const userId of due) this.offlineAt.delete(userId);
    return due;
  }

  async announced(userId: string): Promise<VisibleStatus> {
    return this.announcedStatus.get(userId) ?? "offline";
  }

  async setAnnounced(userId: string, status: VisibleStatus): Promise<void> {
    if (status === "offline") this.announcedStatus.delete(userId);
    else this.announcedStatus.set(userId, status);
  }

  async statuses(userIds: readonly string[]): Promise<Map<string, VisibleStatus>> {
    return new Map(userIds.map((userId) => [userId, this.announcedStatus.get(userId) ?? "offline"]));
  }
}
