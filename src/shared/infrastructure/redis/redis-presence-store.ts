import type { Redis } from "ioredis";
import type { PresenceSession, PresenceStore } from "../../../domains/presence/domain/presence-store";
import type { VisibleStatus } from "../../../domains/presence/domain/presence";

const sessionsKey = (userId: string) => `presence:sessions:${userId}`;
const announcedKey = (userId: string) => `presence:announced:${userId}`;
const LAPSE_INDEX = "presence:lapse";
const OFFLINE_INDEX = "presence:offline";

/**
 * Presence in Redis: a hash of sessions per user, a sorted set of session expiries so any node can reap
 * the sessions of a node that died, and a sorted set of pending offline announcements. Claims use ZREM's
 * answer, so exactly one node acts on each lapsed session or due announcement.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(private readonly redis: Redis) {}

  /** HSET the session and index its expiry. */
  async put(userId: string, session: PresenceSession): Promise<void> {
    await this.redis
      .multi()
      .hset(sessionsKey(userId), session.sessionId, JSON.stringify({ status: session.status, expiresAt: session.expiresAt }))
      .zadd(LAPSE_INDEX, session.expiresAt, `${userId}:${session.sessionId}`)
      .exec();
  }

  /** HDEL the session and drop its expiry. */
  async remove(userId: string, sessionId: string): Promise<void> {
    await this.redis.multi().hdel(sessionsKey(userId), sessionId).zrem(LAPSE_INDEX, `${userId}:${sessionId}`).exec();
  }

  async sessions(userId: string): Promise<PresenceSession[]> {
    const raw = await this.redis.hgetall(sessionsKey(userId));
    return Object.entries(raw).map(([sessionId, json]) => ({ sessionId, ...(JSON.parse(json) as Omit<PresenceSession, "sessionId">) }));
  }

  /** The lapsed members this node removed from the index are its own to reap. */
  async claimLapsed(now: number, limit: number): Promise<Array<{ userId: string; sessionId: string }>> {
    const members = await this.redis.zrangebyscore(LAPSE_INDEX, "-inf", now, "LIMIT", 0, limit);
    const claimed: Array<{ userId: string; sessionId: string }> = [];
    for (const member of members) {
      if ((await this.redis.zrem(LAPSE_INDEX, member)) !== 1) continue;
      const [userId = "", sessionId = ""] = member.split(":");
      // Only a session that did not heartbeat since is really gone.
      const raw = await this.redis.hget(sessionsKey(userId), sessionId);
      const current = raw ? (JSON.parse(raw) as { expiresAt: number }) : undefined;
      if (current && current.expiresAt > now) {
        await this.redis.zadd(LAPSE_INDEX, current.expiresAt, member);
        continue;
      }
      await this.redis.hdel(sessionsKey(userId), sessionId);
      claimed.push({ userId, sessionId });
    }
    return claimed;
  }

  async scheduleOffline(userId: string, at: number): Promise<void> {
    await this.redis.zadd(OFFLINE_INDEX, at, userId);
  }

  async cancelOffline(userId: string): Promise<void> {
    await this.redis.zrem(OFFLINE_INDEX, userId);
  }

  async claimDueOffline(now: number, limit: number): Promise<string[]> {
    const due = await this.redis.zrangebyscore(OFFLINE_INDEX, "-inf", now, "LIMIT", 0, limit);
    const claimed: string[] = [];
    for (const userId of due) if ((await this.redis.zrem(OFFLINE_INDEX, userId)) === 1) claimed.push(userId);
    return claimed;
  }

  async announced(userId: string): Promise<VisibleStatus> {
    return ((await this.redis.get(announcedKey(userId))) as VisibleStatus | null) ?? "offline";
  }

  async setAnnounced(userId: string, status: VisibleStatus): Promise<void> {
    if (status === "offline") await this.redis.del(announcedKey(userId));
    else await this.redis.set(announcedKey(userId), status);
  }

  async statuses(userIds: readonly string[]): Promise<Map<string, VisibleStatus>> {
    if (userIds.length === 0) return new Map();
    const values = await this.redis.mget(...userIds.map(announcedKey));
    return new Map(userIds.map((userId, index) => [userId, (values[index] as VisibleStatus | null) ?? "offline"]));
  }
}
