import type { ErrorCode } from "../kernel/domain-error";
import type { InfrastructureFault } from "../kernel/ports/fault-classifier";

/** HTTP status and API.md code for each domain error code. Exhaustive: a new code must be mapped here. */
export const ERROR_TABLE: { readonly [C in ErrorCode]: { readonly status: number; readonly code: number } } = {
  VALIDATION: { status: 400, code: 50035 },
  UNAUTHORIZED: { status: 401, code: 40001 },
  MISSING_ACCESS: { status: 403, code: 50001 },
  MISSING_PERMISSIONS: { status: 403, code: 50013 },
  NOT_AUTHOR: { status: 403, code: 50005 },
  UNKNOWN_CHANNEL: { status: 404, code: 10003 },
  UNKNOWN_GUILD: { status: 404, code: 10004 },
  UNKNOWN_MESSAGE: { status: 404, code: 10008 },
  UNKNOWN_USER: { status: 404, code: 10013 },
  UNKNOWN_INVITE: { status: 404, code: 10006 },
  UNKNOWN_ROLE: { status: 404, code: 10011 },
  UNKNOWN_MEMBER: { status: 404, code: 10007 },
  UNKNOWN_SESSION: { status: 404, code: 10020 },
  UNKNOWN_APPLICATION: { status: 404, code: 10002 },
  MFA_ALREADY_ENABLED: { status: 400, code: 60001 },
  MFA_NOT_ENABLED: { status: 400, code: 60002 },
  INVALID_MFA_SECRET: { status: 400, code: 60005 },
  INVALID_MFA_TICKET: { status: 400, code: 60006 },
  INVALID_MFA_CODE: { status: 400, code: 60008 },
  TWO_FACTOR_REQUIRED: { status: 403, code: 60003 },
  BOTS_FORBIDDEN: { status: 403, code: 20001 },
  BOTS_ONLY: { status: 403, code: 20002 },
  INVALID_ROLE: { status: 400, code: 50028 },
  UNKNOWN_WEBHOOK: { status: 404, code: 10015 },
  INVALID_WEBHOOK_TOKEN: { status: 401, code: 50027 },
  WEBHOOK_LIMIT: { status: 400, code: 30007 },
  UNKNOWN_EMOJI: { status: 404, code: 10014 },
  INVALID_EMOJI: { status: 400, code: 10014 },
  EMOJI_LIMIT: { status: 400, code: 30008 },
  THREAD_ALREADY_CREATED: { status: 400, code: 160004 },
  THREAD_ARCHIVED: { status: 400, code: 50083 },
  THREAD_LOCKED: { status: 400, code: 160005 },
  WEBHOOK_FORUM_NEEDS_THREAD: { status: 400, code: 220001 },
  WEBHOOK_FORUM_BOTH_THREAD_FIELDS: { status: 400, code: 220002 },
  WEBHOOK_THREADS_FORUM_ONLY: { status: 400, code: 220003 },
  THREAD_LIMIT: { status: 400, code: 160006 },
  THREAD_MEMBER_LIMIT: { status: 400, code: 30033 },
  FRIEND_REQUEST_BLOCKED: { status: 400, code: 80001 },
  BOTS_CANNOT_HAVE_FRIENDS: { status: 400, code: 80002 },
  CANNOT_FRIEND_SELF: { status: 400, code: 80003 },
  NO_SUCH_DISCORD_TAG: { status: 400, code: 80004 },
  ALREADY_FRIENDS: { status: 400, code: 80007 },
  RELATIONSHIP_LIMIT: { status: 400, code: 30002 },
  CANNOT_MESSAGE_USER: { status: 403, code: 50007 },
  NOT_TEXT_CHANNEL: { status: 400, code: 50008 },
  NOT_FOUND: { status: 404, code: 0 },
  CONFLICT: { status: 409, code: 40002 },
  LIMIT_REACHED: { status: 400, code: 30001 },
  PAYLOAD_TOO_LARGE: { status: 413, code: 40005 },
  RATE_LIMITED: { status: 429, code: 0 },
  SLOWMODE_RATE_LIMITED: { status: 429, code: 20016 },
  UNAVAILABLE: { status: 503, code: 0 },
};

/** Codes the HTTP layer itself produces, outside any domain. */
export const MALFORMED_JSON = { status: 400, code: 50109, message: "The request body contains invalid JSON." } as const;
/** A body Elysia could not parse for a reason of its own (the body parser reports MALFORMED_JSON). */
export const UNPARSABLE_BODY = { status: 400, code: MALFORMED_JSON.code, message: "The request body could not be parsed." } as const;
/** A request that fails a route's schema; `errors` names each field. */
export const INVALID_FORM_BODY = { status: 400, code: ERROR_TABLE.VALIDATION.code, message: "Invalid Form Body" } as const;
export const ROUTE_NOT_FOUND = { status: 404, code: 0, message: "404: Not Found" } as const;
/** A path that exists without the request's method; the message names the methods it takes. */
export const METHOD_NOT_ALLOWED = { status: 405, code: 0, message: (allowed: readonly string[]) => `405: Method Not Allowed (this path takes ${allowed.join(", ")})` } as const;
export const INTERNAL_ERROR = { status: 500, code: 0, message: "Internal Server Error" } as const;

/** What the API answers for each infrastructure fault (see FaultClassifier). */
export const FAULT_TABLE: {
  readonly [F in InfrastructureFault]: { readonly status: number; readonly code: number; readonly message: string; readonly errors?: Readonly<Record<string, string>> };
} = {
  INVALID_INPUT: { status: 400, code: INVALID_FORM_BODY.code, message: INVALID_FORM_BODY.message, errors: { _value: "A value is out of range." } },
  UNAVAILABLE: { status: 503, code: 0, message: "The database is unavailable; try again shortly." },
};
