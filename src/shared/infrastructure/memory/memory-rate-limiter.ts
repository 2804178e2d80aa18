import { type Clock, systemClock } from "../../kernel/clock";
import type { RateLimit, RateLimitDecision, RateLimiter } from "../../kernel/ports/rate-limiter";
import { sweepExpired } from "./expiring-entries";

/**
 * GCRA in integer microseconds (integers keep the float math exact): each request moves the
 * "theoretical arrival time" (TAT) one emission interval later; a request is allowed while the
 * TAT stays within one period (the burst) of now. RedisRateLimiter runs the same steps in Lua.
 */
export const emissionIntervalUs = (limit: RateLimit): number => {
  if (!(limit.limit >= 1 && limit.periodMs > 0)) throw new RangeError("a rate limit needs limit >= 1 and periodMs > 0");
  return Math.max(1, Math.round((limit.periodMs * 1000) / limit.limit));
};

/** One GCRA step: the decision and the TAT to store (null when refused, which stores nothing). */
export const gcraStep = (
  storedTatUs: number | undefined,
  nowUs: number,
  limit: RateLimit,
): { readonly decision: RateLimitDecision; readonly tatUs: number | null } => {
  const interval = emissionIntervalUs(limit);
  const tat = Math.max(storedTatUs ?? nowUs, nowUs);
  const newTat = tat + interval;
  const slack = nowUs - (newTat - interval * limit.limit);
  if (slack < 0) {
    const resetAfterMs = Math.ceil((tat - nowUs) / 1000);
    const decision = { allowed: false, limit: limit.limit, remaining: 0, resetAfterMs, retryAfterMs: Math.ceil(-slack / 1000) };
    return { decision, tatUs: null };
  }
  const remaining = Math.floor(slack / interval);
  const decision = { allowed: true, limit: limit.limit, remaining, resetAfterMs: Math.ceil((newTat - nowUs) / 1000), retryAfterMs: 0 };
  return { decision, tatUs: newTat };
};

export interface MemoryRateLimiterOptions {
  readonly clock?: Clock;
  /** How often full buckets (those whose TAT has passed) are forgotten, so memory stays bounded. */
  readonly sweepIntervalMs?: number;
}

/** The single-node limiter: the same GCRA as RedisRateLimiter over a Map of TATs. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly tats = new Map<string, number>();
  private readonly clock: Clock;
  private readonly stopSweep: () => void;

  constructor(options: MemoryRateLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.stopSweep = sweepExpired(this.tats, (tat, now) => tat <= now, () => this.nowUs(), options.sweepIntervalMs);
  }

  /** Takes a token from `key`'s bucket when one is left. */
  async consume(key: string, limit: RateLimit): Promise<RateLimitDecision> {
    const { decision, tatUs } = gcraStep(this.tats.get(key), this.nowUs(), limit);
    if (tatUs !== null) this.tats.set(key, tatUs);
    return decision;
  }

  /** Refills `key`'s bucket. */
  async reset(key: string): Promise<void> {
    this.tats.delete(key);
  }

  /** Stops the sweep. */
  async close(): Promise<void> {
    this.stopSweep();
  }

  private nowUs(): number {
    return Math.round(this.clock.now() * 1000);
  }
}
