import { Elysia } from "elysia";
import { DomainError, ErrorCode } from "../kernel/domain-error";
import type { RateLimiter } from "../kernel/ports";
import type { Caller } from "../kernel/users";
import { GLOBAL_USER_LIMIT, rateLimitHeaders, rateLimitedBody, refusalHeaders } from "./rate-limit";
import { requestState } from "./request-context";

export type { Caller };

export interface AuthPluginOptions {
  /**
   * The caller a token stands for, by how it was presented: `bearer` (a user's access token) or `bot` (a bot token);
   * throws UNAUTHORIZED (401 40001) otherwise.
   */
  readonly authenticate: (token: string, scheme: "bearer" | "bot") => Promise<Caller>;
  readonly limiter: RateLimiter;
  /** RATE_LIMIT_SCALE. */
  readonly scale: number;
}

const CREDENTIALS = /^(Bearer|Bot)[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` (a user's access token) or `Authorization: Bot <token>` (a bot
 * token, as Discord's libraries send it) header, and which of the two; UNAUTHORIZED when absent or malformed.
 */
export const presentedToken = (request: Request): { readonly token: string; readonly scheme: "bearer" | "bot" } => {
  const match = CREDENTIALS.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1] || !match[2]) throw new DomainError(ErrorCode.UNAUTHORIZED, "401: Unauthorized");
  return { token: match[2], scheme: match[1].toLowerCase() === "bot" ? "bot" : "bearer" };
};

/**
 * The one way a route requires a logged-in caller. The identity domain makes it (its `authenticate` checks the token)
 * and every domain's routes use it:
 *
 *     new Elysia().use(identity.authPlugin).get("/x", ({ caller }) => caller.userId, { auth: true })
 *
 * `auth: true` resolves `caller: { userId, sessionId, bot? }` into the handler's context from a `Bearer` access token
 * or a `Bot` token (401 40001 for a missing, malformed, expired, revoked or reset one, or one under the other scheme), tags the request's log line with the user id, and applies the global
 * per-user limit (50 req/s, 429 with `global: true`). It resolves before any `rateLimit` of the route runs, so
 * per-user rules (`by: "user"`, `"user-route"`) count against the caller.
 */
export const authPlugin = (options: AuthPluginOptions) => {
  const limit = { limit: Math.max(1, Math.floor(GLOBAL_USER_LIMIT.limit * options.scale)), periodMs: GLOBAL_USER_LIMIT.periodMs };
  return new Elysia({ name: "xcord.auth" }).macro({
    auth: {
      async resolve({ request, set, status }) {
        const { token, scheme } = presentedToken(request);
        const caller = await options.authenticate(token, scheme);
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
