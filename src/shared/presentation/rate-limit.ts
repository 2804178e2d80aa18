import { Elysia } from "elysia";
import type { RateLimitDecision, RateLimiter } from "../kernel/ports";
import { clientIp } from "./client-ip";
import { requestState } from "./request-context";

/**
 * A route's limit, before RATE_LIMIT_SCALE. `by` says whose bucket a request draws from; `route` is one bucket per
 * set of path parameters whoever calls (Discord's per-resource limits, e.g. per webhook), keyed by their SHA-256 so
 * that secrets in the path (a webhook token) never reach the limiter's store.
 */
export interface RateLimitRule {
  readonly bucket: string;
  readonly limit: number;
  readonly periodMs: number;
  readonly by: "ip" | "user" | "user-route" | "route";
}

const routeKey = (params: Record<string, string> | undefined) =>
  new Bun.CryptoHasher("sha256").update(Object.values(params ?? {}).join(":")).digest("base64url");

/** Discord's global limit: 50 requests per second per user. */
export const GLOBAL_USER_LIMIT: RateLimitRule = { bucket: "global", limit: 50, periodMs: 1000, by: "user" };

/** Discord's rate-limit headers on every limited response; `X-RateLimit-Reset` is when the bucket is full again, in Unix seconds. */
export const rateLimitHeaders = (decision: RateLimitDecision, bucket: string): Record<string, string> => ({
  "x-ratelimit-limit": String(decision.limit),
  "x-ratelimit-remaining": String(decision.remaining),
  "x-ratelimit-reset": ((Date.now() + decision.resetAfterMs) / 1000).toFixed(3),
  "x-ratelimit-reset-after": (decision.resetAfterMs / 1000).toFixed(3),
  "x-ratelimit-bucket": bucket,
});

/**
 * What a 429 adds, as Discord's: `Retry-After` (whole seconds, rounded up), `X-RateLimit-Scope` (`global` for the
 * per-user global limit, `shared` for a per-resource bucket that every client draws from, else `user`: the bucket
 * is counted per user or per client), and `X-RateLimit-Global: true` when the global limit refused.
 */
export const refusalHeaders = (decision: RateLimitDecision, global: boolean, shared = false): Record<string, string> => ({
  "retry-after": String(Math.ceil(decision.retryAfterMs / 1000)),
  "x-ratelimit-scope": global ? "global" : shared ? "shared" : "user",
  ...(global ? { "x-ratelimit-global": "true" } : {}),
});

export const rateLimitedBody = (decision: RateLimitDecision, global: boolean) => ({
  code: 0 as const,
  message: "You are being rate limited.",
  retry_after: Math.ceil(decision.retryAfterMs) / 1000,
  global,
});

export interface RateLimitingOptions {
  readonly limiter: RateLimiter;
  readonly scale: number;
  readonly trustProxy: boolean;
}

/**
 * The `rateLimit` route option: checks the caller's bucket before the handler and answers 429 with the
 * headers and body of API.md when it is empty. Buckets live in the limiter, so every node shares them.
 */
export const rateLimiting = (options: RateLimitingOptions) => {
  const scaled = (limit: number) => Math.max(1, Math.floor(limit * options.scale));

  return new Elysia({ name: "xcord.rate-limit" }).macro({
    rateLimit: (rule: RateLimitRule) => ({
      async beforeHandle({ request, server, set, params }) {
        const state = requestState(request);
        const subject =
          rule.by === "route"
            ? `route:${routeKey(params)}`
            : rule.by === "ip"
              ? `ip:${clientIp(request, server, options.trustProxy)}`
              : `user:${state.userId ?? `ip:${clientIp(request, server, options.trustProxy)}`}`;
        const scope = rule.by === "user-route" ? `:${Object.values(params ?? {}).join(":")}` : "";
        const decision = await options.limiter.consume(`rl:${rule.bucket}:${subject}${scope}`, {
          limit: scaled(rule.limit),
          periodMs: rule.periodMs,
        });
        Object.assign(set.headers, rateLimitHeaders(decision, rule.bucket));
        if (decision.allowed) return;
        const global = rule.bucket === GLOBAL_USER_LIMIT.bucket;
        set.status = 429;
        Object.assign(set.headers, refusalHeaders(decision, global, rule.by === "route"));
        return rateLimitedBody(decision, global);
      },
    }),
  });
};
