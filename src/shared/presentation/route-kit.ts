import { Elysia, status, t } from "elysia";
import type { AuthPlugin } from "./auth-plugin";
import type { RateLimiter } from "../kernel/ports";
import { rateLimiting } from "./rate-limit";

/** The `rateLimit` route option (rate-limit.ts), as a module builds it once for its routes. */
export type RateLimits = ReturnType<typeof rateLimiting>;

/** What the routes files of a domain take: its use cases, the auth plugin and the rate limits. */
export interface RouteDeps<UseCases> {
  readonly useCases: UseCases;
  readonly auth: AuthPlugin;
  readonly rateLimits: RateLimits;
}

/** What a module needs to serve its routes: the identity module's auth plugin and the node's rate-limit settings. */
export interface RouteSettings {
  readonly auth: AuthPlugin;
  readonly rateLimiter: RateLimiter;
  /** RATE_LIMIT_SCALE. */
  readonly rateLimitScale: number;
  /** Whether the client IP comes from X-Forwarded-For (behind a trusted proxy). */
  readonly trustProxy: boolean;
}

/** The deps of a domain's routes files, from its use cases and the module's settings. */
export const routeDeps = <UseCases>(useCases: UseCases, settings: RouteSettings): RouteDeps<UseCases> => ({
  useCases,
  auth: settings.auth,
  rateLimits: rateLimiting({ limiter: settings.rateLimiter, scale: settings.rateLimitScale, trustProxy: settings.trustProxy }),
});

/** The OpenAPI security requirement of a route that needs a caller: a bearer access token. */
export const security = [{ bearer: [] }];

/**
 * A routes file's Elysia instance: its OpenAPI tags (and security) for every route, with the `auth` option
 * (auth-plugin.ts) and then the `rateLimit` option (rate-limit.ts) ready to declare.
 */
export const routeGroup = (deps: RouteDeps<unknown>, detail: { readonly tags: string[]; readonly security?: typeof security }) =>
  new Elysia({ detail }).use(deps.auth).use(deps.rateLimits);

/** The body of a 204: none. */
export const NoContent = t.Void({ description: "No Content" });

/**
 * 204 with no body, for a use case that answers nothing: `({ caller, params }) => useCases.x(caller.userId, params.id).then(noContent)`.
 * Chained rather than wrapping the handler: Elysia reads each handler's source to learn which parts of the request
 * it uses, and a wrapper that passes the whole context on would make it parse every request's body, query and cookies.
 */
export const noContent = () => status(204, undefined);
