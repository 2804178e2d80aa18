import type { TSchema } from "@sinclair/typebox";
import { type AnyElysia, Elysia, status, t } from "elysia";
import type { RateLimiter } from "../kernel/ports";
import type { AuthPlugin } from "./auth-plugin";
import { type Failure, errorResponses } from "./error-schemas";
import { type RateLimitRule, rateLimiting } from "./rate-limit";

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

/** The OpenAPI security requirement of a route that needs a caller: a user's bearer access token, or a bot token. */
export const security: Array<Record<string, string[]>> = [{ bearer: [] }, { bot: [] }];

/** A domain's routes files mounted on one instance, each given the same deps (the module's `routes`). */
export const mountRoutes = <Deps>(deps: Deps, ...files: ReadonlyArray<(deps: Deps) => AnyElysia>): AnyElysia =>
  files.reduce<AnyElysia>((app, file) => app.use(file(deps)), new Elysia());

/** The body of a 204: none. */
export const NoContent = t.Void({ description: "No Content" });

/**
 * 204 with no body, for a use case that answers nothing: `({ caller, params }) => useCases.x(caller.userId, params.id).then(noContent)`.
 * Chained rather than wrapping the handler: Elysia reads each handler's source to learn which parts of the request
 * it uses, and a wrapper that passes the whole context on would make it parse every request's body, query and cookies.
 */
export const noContent = () => status(204, undefined);

/** A route's request schemas, as Elysia takes them. */
interface RequestSchemas {
  readonly params?: TSchema;
  readonly query?: TSchema;
  readonly body?: TSchema;
}

/** What a route that needs a caller declares besides its handler (STYLE.md 6). */
export interface AuthedRoute<Schemas extends RequestSchemas, Ok extends Record<number, TSchema>> {
  /** Its request schemas. */
  readonly schemas: Schemas;
  /** Its success responses: `{ 200: Body }`, `{ 201: Body }` or `{ 204: NoContent }`. */
  readonly ok: Ok;
  /** Its OpenAPI summary: what it does, and what it needs. */
  readonly summary: string;
  /** The errors it answers beyond those of every authenticated route (400, 401, 413, 429, 500). */
  readonly failures?: readonly Failure[];
}

/**
 * What a routes file builds its routes with, for its OpenAPI `tags`: `group(deps)`, its Elysia instance with the
 * tags (and, unless `authenticated` is false, the bearer security) for every route, with the `auth` option
 * (auth-plugin.ts) and then the `rateLimit` option (rate-limit.ts) ready to declare; and the options of each route
 * that needs a caller, from what it declares (`route`): `auth: true`, its request schemas, its success and error
 * responses and its OpenAPI detail. `limitedRoute` adds the route's own bucket, after `auth` so that per-user
 * buckets count the caller.
 */
export const routesTagged = (tags: readonly string[], options: { readonly authenticated?: boolean } = {}) => {
  const detail = (summary: string) => ({ summary, tags: [...tags], security });
  return {
    group: (deps: Omit<RouteDeps<unknown>, "useCases">) =>
      new Elysia({ detail: options.authenticated === false ? { tags: [...tags] } : { tags: [...tags], security } }).use(deps.auth).use(deps.rateLimits),
    route: <const Schemas extends RequestSchemas, const Ok extends Record<number, TSchema>>(route: AuthedRoute<Schemas, Ok>) => ({
      auth: true as const,
      ...route.schemas,
      response: { ...route.ok, ...errorResponses({ auth: true }, ...(route.failures ?? [])) },
      detail: detail(route.summary),
    }),
    limitedRoute: <const Schemas extends RequestSchemas, const Ok extends Record<number, TSchema>>(
      route: AuthedRoute<Schemas, Ok> & { readonly rateLimit: RateLimitRule },
    ) => ({
      auth: true as const,
      rateLimit: route.rateLimit,
      ...route.schemas,
      response: { ...route.ok, ...errorResponses({ auth: true, rateLimit: route.rateLimit }, ...(route.failures ?? [])) },
      detail: detail(route.summary),
    }),
  };
};
