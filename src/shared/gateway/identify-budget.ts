import type { KeyValueStore } from "../kernel/ports";

/** Discord's session start limit: IDENTIFYs per user per day. */
export const IDENTIFIES_PER_DAY = 1000;
export const IDENTIFY_WINDOW_MS = 24 * 60 * 60_000;

/** `GET /gateway/bot`'s `session_start_limit` (Discord's). */
export interface SessionStartLimit {
  readonly total: number;
  readonly remaining: number;
  /** Milliseconds until the budget is whole again (0 when none of it is used). */
  readonly reset_after: number;
  /** IDENTIFYs that may start at once: XCord does not bucket them. */
  readonly max_concurrency: number;
}

const keyOf = (userId: string) => `gw:identify:${userId}`;

/**
 * How many sessions a user may start per 24 h, counted cluster-wide in the key-value store from the first IDENTIFY
 * of the window (Discord's session start limit). RESUME does not count.
 */
export const createIdentifyBudget = (kv: KeyValueStore, total: number, windowMs = IDENTIFY_WINDOW_MS) => ({
  /** Counts one IDENTIFY; false once the user is past the budget. */
  async take(userId: string): Promise<boolean> {
    return (await kv.increment(keyOf(userId), 1, windowMs)) <= total;
  },

  /** What is left of the user's budget. */
  async status(userId: string): Promise<SessionStartLimit> {
    const [used, ttl] = await Promise.all([kv.get(keyOf(userId)), kv.ttl(keyOf(userId))]);
    const count = Number(used ?? 0);
    return { total, remaining: Math.max(0, total - count), reset_after: count > 0 && ttl > 0 ? ttl : 0, max_concurrency: 1 };
  },
});

export type IdentifyBudget = ReturnType<typeof createIdentifyBudget>;
