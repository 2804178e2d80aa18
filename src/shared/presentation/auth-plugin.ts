import { Elysia } from "elysia";
import { DomainError, ErrorCode } from "../kernel/domain-error";
import type { RateLimiter } from "../kernel/ports";
import type { Caller } from "../kernel/users";
import { GLOBAL_USER_LIMIT, rateLimitHeaders, rateLimitedBody, refusalHeaders } from "./rate-limit";
import { requestState } from "./request-context";

export type { Caller };

export interface AuthPluginOptions {
  /** The caller a bearer token stands for; throws UNAUTHORIZED (401 40001) otherwise. */
  readonly authenticate: (token: string) => Promise<Caller>;
  readonly limiter: RateLimiter;
  /** RATE_LIMIT_SCALE. */
  readonly scale: number;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header; UNAUTHORIZED when absent or malformed. */
export const bearerToken = (request: Request): string => {
  const match = BEARER.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1]) throw new DomainError(ErrorCode.UNAUTHORIZED, "401: Unauthorized");
  return match[1];
};

/**
 * The one way a route requires a logged-in caller. The identity domain makes it (its `authenticate` checks the token)
 * and every domain's routes use it:
 *
 *     new Elysia().use(identity.authPlugin).get("/x", ({ caller }) => caller.userId, { auth: true })
 *
 * `auth: true` resolves `caller: { userId, sessionId }` into the handler's context (401 40001 for a missing,
 * malformed, expired or revoked token), tags the request's log line with the user id, and applies the global
 * per-user limit (50 req/s, 429 with `global: true`). It resolves before any `rateLimit` of the route runs, so
 * per-user rules (`by: "user"`, `"user-route"`) count against the caller.
 */
export const authPlugin = (options: AuthPluginOptions) => {
  const limit = { limit: Math.max(1, Math.floor(GLOBAL_USER_LIMIT.limit * options.scale)), periodMs: GLOBAL_USER_LIMIT.periodMs };
  return new Elysia({ name: "xcord.auth" }).macro({
    auth: {
      async resolve({ request, set, status }) {
        const caller = await options.authenticate(bearerToken(request));
        requestState(request).userId = caller.userId;
        const decision = await options.limiter.consume(`rl:${GLOBAL_USER_LIMIT.bucket}:user:${caller.userId}`, limit);
        Object.assign(set.headers, rateLimitHeaders(decision, GLOBAL_USER_LIMIT.bucket));
        if (!decision.allowed) {
          Object.assign(set.headers, refusalHeaders(decision, true));
          return status(429, rateLimitedBody(decision, true));
        }
        return { caller };
      },
    },
  });
};

export type AuthPlugin = ReturnType<typeof authPlugin>;
