import type { Span } from "@opentelemetry/api";

/** Per-request facts the HTTP layer and the auth plugin share, keyed by the Request object itself. */
export interface RequestState {
  readonly id: string;
  readonly startedAt: number;
  userId?: string;
  ip?: string;
  /** The request's server span, when tracing is on. */
  span?: Span;
}

const states = new WeakMap<Request, RequestState>();
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Starts a request's state; a client's own X-Request-Id is kept when it is sane. */
const beginRequest = (request: Request): RequestState => {
  const offered = request.headers.get("x-request-id");
  const state: RequestState = {
    id: offered && REQUEST_ID_PATTERN.test(offered) ? offered : crypto.randomUUID(),
    startedAt: performance.now(),
  };
  states.set(request, state);
  return state;
};

/** The state of `request`, begun at its first use (its span's wrapper, or http-core's onRequest). */
export const requestState = (request: Request): RequestState => {
  const state = states.get(request);
  return state ?? beginRequest(request);
};
