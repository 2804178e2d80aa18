/** A limit: `limit` requests per `periodMs`, with bursts up to `limit`. */
export interface RateLimit {
  readonly limit: number;
  readonly periodMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Requests still allowed right now. */
  readonly remaining: number;
  /** Time until the bucket is full again, in ms. */
  readonly resetAfterMs: number;
  /** When refused: time until one more request is allowed, in ms; 0 when allowed. */
  readonly retryAfterMs: number;
}

/** Shared by every node: the decision for a key is atomic wherever it is taken. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket when there is one. */
  consume(key: string, limit: RateLimit): Promise<RateLimitDecision>;
  /** Forgets `key`'s history. */
  reset(key: string): Promise<void>;
}
