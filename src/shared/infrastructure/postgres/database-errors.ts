import type { FaultClassifier } from "../../kernel/ports/fault-classifier";

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

/**
 * A client's value PostgreSQL cannot take: a number out of range (an id past 2^63), or text that is not a number.
 * Every query is parameterized, so these come from request values that passed the schemas (a 20-digit id can
 * still exceed bigint): the request's fault, a 400, never a 500.
 */
const INPUT_CODES = new Set(["22003", "22P02"]);

export const isInvalidDatabaseInput = (error: unknown): boolean => {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && INPUT_CODES.has(code)) return true;
  }
  return false;
};

/** The database's faults for the HTTP layer: a value it cannot take first, then an outage. */
export const classifyDatabaseFault: FaultClassifier = (error) =>
  isInvalidDatabaseInput(error) ? "INVALID_INPUT" : isDatabaseUnavailable(error) ? "UNAVAILABLE" : undefined;

/**
 * postgres-js (3.4.9, the latest) may run a buffered write from a setImmediate after its connection closed, and throws
 * a TypeError on the null socket outside any query (porsager/postgres#1066, #1154, #1208: open upstream). It happens
 * when PostgreSQL restarts under load, and would take the node down. By then `closed()` has already rejected that
 * connection's queries with CONNECTION_CLOSED and the pool replaces it, so the stray write is moot: recognised here,
 * by its stack, so that the process-level handler can log it and carry on. Anything else uncaught still ends the node.
 */
export const isDriverWriteAfterClose = (error: unknown): boolean =>
  error instanceof TypeError &&
  /socket\.write|reading 'write'/.test(error.message) &&
  /\bnextWrite\b[^\n]*postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? "");
