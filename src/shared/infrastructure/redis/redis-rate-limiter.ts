import type { Redis } from "ioredis";
import type { RateLimit, RateLimitDecision, RateLimiter } from "../../kernel/ports/rate-limiter";
import { MemoryRateLimiter, emissionIntervalUs } from "../memory/memory-rate-limiter";
import { isRedisReady } from "./redis-client";

/**
 * GCRA in one script, so the read-decide-write is atomic across nodes, taking up to ARGV[3] tokens at once (a
 * lease; with 1 it is exactly gcraStep of MemoryRateLimiter). Time comes from Redis (TIME), so nodes with skewed
 * clocks agree. Integer microseconds keep the float math exact; string.format('%d') because Lua's tostring would
 * write 1.7e+15. A request is allowed while the TAT it moves to stays within the burst of now, so the tokens
 * available are floor((now + tolerance - tat) / interval).
 * KEYS[1] = bucket; ARGV = emission interval (us), burst tolerance (us), tokens wanted.
 * Returns {granted, remaining, resetAfterMs, retryAfterMs}.
 */
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local available = math.floor((now + tolerance - tat) / interval)
if available < 1 then
  return {0, 0, math.ceil((tat - now) / 1000), math.ceil((tat + interval - tolerance - now) / 1000)}
end
local granted = math.min(want, available)
local new_tat = tat + granted * interval
local reset_after = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', reset_after)
return {granted, available - granted, reset_after, 0}`;

interface WithGcra {
  xcordGcra(key: string, intervalUs: number, toleranceUs: number, want: number): Promise<[number, number, number, number]>;
}

/**
 * Tokens this node took from a shared bucket and has not spent yet. They were counted in Redis when taken, so
 * spending them here never lets more through than the limit; unspent ones are dropped when the lease ends.
 */
interface Lease {
  tokens: number;
  readonly expiresAt: number;
  /** What Redis said was left beyond the lease when it was taken. */
  readonly remainingBeyond: number;
  readonly resetAfterMs: number;
}

/**
 * Tokens taken per trip to Redis for a limit: a tenth of the limit, at most 10, and 1 (every request asks
 * Redis) for limits under 20. Discord's global 50/s takes 5 at a time: one round trip per five requests.
 */
export const leaseSize = (limit: number): number => Math.max(1, Math.min(10, Math.floor(limit / 10)));
/** How long leased tokens may be spent; a fraction of a second, so a client that moves to another node loses little. */
const LEASE_MS = 500;
/** Past this many leases, expired ones are swept before the next is added. */
const MAX_LEASES = 10_000;

export interface RedisRateLimiterOptions {
  /** The shared command connection. */
  readonly redis: Redis;
  /** Namespace of the bucket keys, under the connection's keyPrefix; default `ratelimit:`. */
  readonly prefix?: string;
  /**
   * Decides while Redis is not ready or a call fails, so that limits keep protecting (per node) and requests keep
   * being served during an outage; default: a MemoryRateLimiter (the same GCRA on this node's own buckets).
   */
  readonly fallback?: RateLimiter & { close?(): Promise<void> };
  /** A decision Redis has not given after this long is taken by the fallback (a hung Redis); default 500 ms. */
  readonly deadlineMs?: number;
}

/**
 * GCRA buckets in Redis: every node takes from the same bucket. Buckets expire once full again.
 * While Redis is not ready (or a call fails) the node decides from its own in-memory buckets instead: limits
 * hold per node rather than cluster-wide, and no request waits for, or fails because of, Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis & WithGcra;
  private readonly prefix: string;
  private readonly fallback: RateLimiter & { close?(): Promise<void> };
  private readonly deadlineMs: number;
  private readonly leases = new Map<string, Lease>();
  /** A key's trip to Redis in progress: requests for the key wait for it and then spend its lease. */
  private readonly pending = new Map<string, Promise<unknown>>();
  /** A key Redis refused: no token can appear before `until` (only time adds tokens), so it is refused here till then. */
  private readonly refusals = new Map<string, { readonly until: number; readonly resetAt: number; readonly limit: number }>();

  constructor(options: RedisRateLimiterOptions) {
    this.deadlineMs = options.deadlineMs ?? 500;
    options.redis.defineCommand("xcordGcra", { numberOfKeys: 1, lua: GCRA_SCRIPT });
    this.redis = options.redis as Redis & WithGcra;
    this.prefix = options.prefix ?? "ratelimit:";
    this.fallback = options.fallback ?? new MemoryRateLimiter();
  }

  /**
   * A token of `key`'s shared bucket: from this node's lease when it holds one (no round trip), else one atomic GCRA
   * step in Redis that takes `leaseSize` tokens at once; the node's own bucket while Redis is out.
   */
  async consume(key: string, limit: RateLimit): Promise<RateLimitDecision> {
    if (!(limit.limit >= 1 && limit.periodMs > 0)) throw new RangeError("a rate limit needs limit >= 1 and periodMs > 0");
    if (leaseSize(limit.limit) === 1) return this.step(key, limit, 1);
    for (;;) {
      const now = Date.now();
      const lease = this.leases.get(key);
      if (lease && lease.tokens > 0 && lease.expiresAt > now) {
        lease.tokens--;
        return { allowed: true, limit: limit.limit, remaining: lease.remainingBeyond + lease.tokens, resetAfterMs: lease.resetAfterMs, retryAfterMs: 0 };
      }
      const refusal = this.refusals.get(key);
      if (refusal && refusal.until > now && refusal.limit === limit.limit) {
        return { allowed: false, limit: limit.limit, remaining: 0, resetAfterMs: Math.max(0, refusal.resetAt - now), retryAfterMs: refusal.until - now };
      }
      const inFlight = this.pending.get(key);
      if (!inFlight) break;
      await inFlight;
    }
    this.leases.delete(key);
    this.refusals.delete(key);
    const step = this.step(key, limit, leaseSize(limit.limit));
    this.pending.set(key, step);
    try {
      return await step;
    } finally {
      this.pending.delete(key);
    }
  }

  /**
   * One atomic GCRA step in Redis taking up to `want` tokens: the first is this request's, the others become this
   * node's lease. The node's own bucket while Redis is out or slow.
   */
  private async step(key: string, limit: RateLimit, want: number): Promise<RateLimitDecision> {
    // A connection that never became ready yet (lazy connect at start) is worth the wait; a lost one is not.
    if (!isRedisReady(this.redis) && this.redis.status !== "wait") return this.fallback.consume(key, limit);
    const interval = emissionIntervalUs(limit);
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const deadline = new Promise<null>((resolve) => (timer = setTimeout(resolve, this.deadlineMs, null)));
      const reply = await Promise.race([this.redis.xcordGcra(this.prefix + key, interval, interval * limit.limit, want), deadline]);
      if (reply === null) return this.fallback.consume(key, limit);
      const [granted, remaining, resetAfterMs, retryAfterMs] = reply;
      const now = Date.now();
      if (granted > 1) this.lease(key, { tokens: granted - 1, expiresAt: now + LEASE_MS, remainingBeyond: remaining, resetAfterMs });
      if (granted === 0 && want > 1 && this.refusals.size < MAX_LEASES) this.refusals.set(key, { until: now + retryAfterMs, resetAt: now + resetAfterMs, limit: limit.limit });
      return { allowed: granted >= 1, limit: limit.limit, remaining: remaining + Math.max(0, granted - 1), resetAfterMs, retryAfterMs };
    } catch {
      return this.fallback.consume(key, limit);
    } finally {
      clearTimeout(timer);
    }
  }

  private lease(key: string, lease: Lease): void {
    if (this.leases.size >= MAX_LEASES || this.refusals.size >= MAX_LEASES) {
      const now = Date.now();
      for (const [held, { expiresAt }] of this.leases) if (expiresAt <= now) this.leases.delete(held);
      for (const [held, { until }] of this.refusals) if (until <= now) this.refusals.delete(held);
      if (this.leases.size >= MAX_LEASES) return; // all live: this one goes to Redis each time instead
    }
    this.leases.set(key, lease);
  }

  /** Deletes `key`'s bucket, in Redis and in the fallback, and this node's lease on it. */
  async reset(key: string): Promise<void> {
    this.leases.delete(key);
    this.refusals.delete(key);
    await this.fallback.reset(key);
    await this.redis.del(this.prefix + key);
  }

  /** Stops the fallback's sweep; the connection is closed by whoever created it (RedisClients.quit). */
  async close(): Promise<void> {
    await this.fallback.close?.();
  }
}
