/**
 * Connection-level database failures (server down, restarting, connection lost): not the request's fault and not a
 * bug, so the API answers 503 with Retry-After rather than 500. postgres-js reports them with its own codes, and the
 * server with SQLSTATE class 08 (connection exception) or 57P01–57P03 (shutting down, crashed, not yet accepting).
 * Drizzle wraps driver errors, so the cause chain is searched. CONNECTION_ENDED is left out on purpose: it means
 * this process ended its own pool, which is a bug (or a shutdown), not an outage.
 */
const DRIVER_CODES = new Set(["CONNECTION_CLOSED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "ECONNREFUSED", "ECONNRESET", "EPIPE"]);
const SERVER_CODES = new Set(["57P01", "57P02", "57P03"]);

export const isDatabaseUnavailable = (error: unknown): boolean => {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (DRIVER_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith("08"))) return true;
  }
  return false;
};
