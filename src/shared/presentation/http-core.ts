import { Elysia, ValidationError } from "elysia";
import type { ErrorTracker } from "../infrastructure/sentry";
import type { Logger } from "../infrastructure/logger";
import type { Metrics } from "../infrastructure/metrics";
import type { Tracing } from "../infrastructure/tracing/tracing";
import type { FaultClassifier } from "../kernel/ports/fault-classifier";
import { DEFAULT_JSON_LIMIT, checkDeclaredLength, hasBody, parseJsonBody, parseMultipartBody, wrongBodyType } from "./body-parser";
import {
  type ErrorResponse,
  faultResponse,
  internalError,
  invalidFormBody,
  methodNotAllowed,
  routeNotFound,
  toErrorResponse,
  unparsableBody,
} from "./http-errors";
import { refuseNul } from "./input-guards";
import { requestState } from "./request-context";
import type { RouteTable } from "./route-table";

export interface HttpCoreOptions {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly errorTracker: ErrorTracker;
  /** Which errors are the database's faults (a 400 for a value it cannot take, a 503 when unreachable), not bugs. */
  readonly classifyFault: FaultClassifier;
  /** The largest multipart body (uploads); JSON bodies are limited to 1 MiB. */
  readonly maxUploadBytes: number;
  /** The app's routes: which methods a path has (405) and which routes read multipart bodies. */
  readonly routes: RouteTable;
  /** A server span per request when tracing is on. */
  readonly tracing: Tracing;
}

const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

const API_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};

/**
 * JSON bodies at least this large are sent gzip-compressed to clients that accept it. Besides the bandwidth (a
 * history page of 50 messages: 26 KB → 1.3 KB), it keeps responses under Bun's 16 KiB cork buffer: a larger body
 * answered after an `await` leaves as one send() per header fragment, ten times the CPU of the whole request.
 */
export const COMPRESS_MIN_BYTES = 4 * 1024;
/** zlib's fastest level: about 20 µs for a history page; higher levels cost 3× for 30% less. */
const GZIP_LEVEL = 1;

/**
 * Bodies already serialized (and compressed), by the frozen array a handler returned. A handler that hands out the
 * same frozen array again (a cached history page) gets its JSON and gzip made once; only frozen arrays are kept,
 * since an array that can still change could be answered with an old body. `route` is the route whose response
 * schema the array passed.
 */
interface MadeBody {
  readonly json: string;
  readonly route: string;
  gzip?: Uint8Array;
}
const bodies = new WeakMap<object, MadeBody>();

const acceptsGzip = (request: Request): boolean => /\bgzip\b/i.test(request.headers.get("accept-encoding") ?? "");

/** A JSON response from `body`, gzipped (once per body) when it is large enough and the client accepts it. */
const jsonResponse = (body: { readonly json: string; gzip?: Uint8Array }, request: Request): Response => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (body.json.length < COMPRESS_MIN_BYTES || !acceptsGzip(request)) return new Response(body.json, { headers });
  headers["content-encoding"] = "gzip";
  body.gzip ??= Bun.gzipSync(body.json, { level: GZIP_LEVEL });
  return new Response(body.gzip, { headers });
};

/** Swagger UI runs an inline bootstrap script and styles, served from this origin only. */
const DOCS_CSP =
  "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/**
 * Everything every HTTP request goes through: request id, size- and depth-limited body parsing, no NUL in any input, security headers,
 * the error mapping of API.md, a log line, metrics and error tracking. Mounted once, on the root app.
 */
export const httpCore = (options: HttpCoreOptions) => {
  const { logger, metrics, errorTracker } = options;
  // The largest file plus room for the multipart framing; the upload route checks the file's own size.
  const multipartLimit = options.maxUploadBytes + MULTIPART_OVERHEAD_BYTES;

  const respond = (set: { status?: number | string; headers: Record<string, unknown> }, response: ErrorResponse) => {
    set.status = response.status;
    if (response.headers) Object.assign(set.headers, response.headers);
    set.headers["content-type"] = "application/json";
    return response.body;
  };

  const core = new Elysia({ name: "xcord.http-core" });
  // With tracing on, each request is handled inside its server span (the parent of its SQL and Redis spans); without
  // it, Elysia's handler is not wrapped at all.
  if (options.tracing.enabled) {
    core.wrap((handle, request: Request) => {
      const started = options.tracing.startRequest(request);
      if (!started) return handle;
      requestState(request).span = started.span;
      return ((...args: unknown[]) => started.run(() => (handle as (...all: unknown[]) => unknown)(...args))) as typeof handle;
    });
  }
  return core
    .onRequest(({ request, set }) => {
      const state = requestState(request);
      set.headers["x-request-id"] = state.id;
      const path = new URL(request.url).pathname;
      Object.assign(set.headers, API_HEADERS);
      if (path === "/swagger" || path.startsWith("/swagger/")) set.headers["content-security-policy"] = DOCS_CSP;
      // No route takes more than an upload: refuse a larger declared body here, before routing and unread.
      checkDeclaredLength(request, multipartLimit);
    })
    .onParse({ as: "global" }, async ({ request, contentType, route }) => {
      const type = contentType?.toLowerCase() ?? "";
      const multipartRoute = options.routes.takesMultipart(request.method, route);
      if (multipartRoute && type.startsWith("multipart/form-data")) return parseMultipartBody(request, multipartLimit);
      if (type.startsWith("application/json") || type.endsWith("+json")) return parseJsonBody(request, DEFAULT_JSON_LIMIT);
      // Anything else (forms, text, a multipart body on a JSON route) is refused unread: JSON routes read only JSON.
      if (hasBody(request)) throw wrongBodyType(type, multipartRoute ? "multipart/form-data" : "application/json");
      return undefined;
    })
    .onTransform({ as: "global" }, ({ params, query, body }) => refuseNul({ params, query, body }))
    .onError({ as: "global" }, ({ code, error, request, set, route }) => {
      if (error instanceof ValidationError) {
        const issues = (error as unknown as { all: [] }).all ?? [];
        return respond(set, invalidFormBody(issues, error.type));
      }
      const mapped = toErrorResponse(error);
      if (mapped) return respond(set, mapped);
      if (code === "NOT_FOUND") {
        const allowed = options.routes.allowedMethods(new URL(request.url).pathname);
        if (allowed.length === 0) return respond(set, routeNotFound());
        set.headers.allow = allowed.join(", ");
        return respond(set, methodNotAllowed(allowed));
      }
      if (code === "PARSE") return respond(set, unparsableBody());
      const state = requestState(request);
      const fault = options.classifyFault(error);
      if (fault === "UNAVAILABLE") {
        logger.warn({ err: error, requestId: state.id, route }, "database unavailable");
        set.headers["retry-after"] = "1";
      }
      if (fault) return respond(set, faultResponse(fault));
      logger.error({ err: error, requestId: state.id, route }, "unexpected error");
      errorTracker.capture(error, { requestId: state.id, userId: state.userId, route });
      return respond(set, internalError());
    })
    // A frozen array this route already answered with (a cached history page) passed its response schema then and
    // cannot have changed since: it is answered from its made body, before Elysia would check it again (checking a
    // page's timestamps was 15% of a warm history read).
    .onAfterHandle({ as: "global" }, ({ request, response, route }) => {
      if (!Array.isArray(response) || !Object.isFrozen(response)) return undefined;
      const body = bodies.get(response);
      return body !== undefined && body.route === route ? jsonResponse(body, request) : undefined;
    })
    .mapResponse({ as: "global" }, ({ request, responseValue, route, set }) => {
      // Plain JSON values only; files, streams, documents and Responses go out as they are. A JSON value is always
      // answered here, compressed or not: Elysia (1.4) loses the body of an early error when a mapResponse hook
      // declines it. A `status(201, value)` answer is unwrapped to its value, so it too goes out as exactly
      // `application/json` (discord.py reads a body as JSON only then).
      let answer = responseValue;
      if ((answer as object | null | undefined)?.constructor?.name === "ElysiaCustomStatusResponse") {
        const { code, response } = answer as { code: number; response: unknown };
        set.status = code;
        answer = response;
      }
      const kind = (answer as object | null | undefined)?.constructor?.name;
      if (kind !== "Object" && kind !== "Array") return undefined;
      const value = answer as object;
      const reusable = kind === "Array" && Object.isFrozen(value);
      let body = reusable ? bodies.get(value) : undefined;
      if (!body) {
        body = { json: JSON.stringify(value), route };
        if (reusable) bodies.set(value, body);
      }
      return jsonResponse(body, request);
    })
    .onAfterResponse({ as: "global" }, ({ request, set, route }) => {
      const state = requestState(request);
      const status = typeof set.status === "number" ? set.status : Number(set.status) || 200;
      const durationMs = performance.now() - state.startedAt;
      const pattern = route || "unmatched";
      metrics.observeHttp(request.method, pattern, status, durationMs / 1000);
      if (state.span) options.tracing.finishRequest(state.span, { method: request.method, route: pattern, status, id: state.id });
      logger.info(
        {
          requestId: state.id,
          method: request.method,
          route: pattern,
          status,
          durationMs: Math.round(durationMs * 100) / 100,
          ...(state.userId ? { userId: state.userId } : {}),
        },
        "request",
      );
    });
};
