import type { Redis } from "ioredis";
import type { RateLimit, RateLimitDecision, RateLimiter } from "../../kernel/ports/rate-limiter";
import { MemoryRateLimiter } from "../memory/memory-rate-limiter";
import { isRedisReady } from "./redis-client";

/**
 * GCRA in one script, so the read-decide-write is atomic across nodes. Time comes from Redis
 * (TIME), so nodes with skewed clocks agree. Integer microseconds keep the float math exact;
 * string.format('%d') because Lua's tostring would write 1.7e+15. Mirrors gcraStep of MemoryRateLimiter.
 * KEYS[1] = bucket; ARGV = emission interval (us), burst tolerance (us).
 * Returns {allowed, remaining, resetAfterMs, retryAfterMs}.
 */
const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local slack = now - (new_tat - tolerance)
if slack < 0 then
  return {0, 0, math.ceil((tat - now) / 1000), math.ceil(-slack / 1000)}
end
local reset_after = math.ceil((new_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', reset_after)
return {1, math.floor(slack / interval), reset_after, 0}`;

interface WithGcra {
  xcordGcra(key: string, intervalUs: number, toleranceUs: number): Promise<[number, number, number, number]>;
}

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

  constructor(options: RedisRateLimiterOptions) {
    this.deadlineMs = options.deadlineMs ?? 500;
    options.redis.defineCommand("xcordGcra", { numberOfKeys: 1, lua: GCRA_SCRIPT });
    this.redis = options.redis as Redis & WithGcra;
    this.prefix = options.prefix ?? "ratelimit:";
    this.fallback = options.fallback ?? new MemoryRateLimiter();
  }

  /** One atomic GCRA step on `key`'s bucket, timed by the Redis server; the node's own bucket while Redis is out. */
  async consume(key: string, limit: RateLimit): Promise<RateLimitDecision> {
    if (!(limit.limit >= 1 && limit.periodMs > 0)) throw new RangeError("a rate limit needs limit >= 1 and periodMs > 0");
    // A connection that never became ready yet (lazy connect at start) is worth the wait; a lost one is not.
    if (!isRedisReady(this.redis) && this.redis.status !== "wait") return this.fallback.consume(key, limit);
    const interval = Math.max(1, Math.round((limit.periodMs * 1000) / limit.limit));
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const deadline = new Promise<null>((resolve) => (timer = setTimeout(resolve, this.deadlineMs, null)));
      const reply = await Promise.race([this.redis.xcordGcra(this.prefix + key, interval, interval * limit.limit), deadline]);
      if (reply === null) return this.fallback.consume(key, limit);
      const [allowed, remaining, resetAfterMs, retryAfterMs] = reply;
      return { allowed: allowed === 1, limit: limit.limit, remaining, resetAfterMs, retryAfterMs };
    } catch {
      return this.fallback.consume(key, limit);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Deletes `key`'s bucket, in Redis and in the fallback. */
  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    await this.redis.del(this.prefix + key);
  }

  /** Stops the fallback's sweep; the connection is closed by whoever created it (RedisClients.quit). */
  async close(): Promise<void> {
    await this.fallback.close?.();
  }
}
