import type { TObject } from "@sinclair/typebox";
import { t } from "elysia";
import type { ErrorCode } from "../kernel/domain-error";
import { ERROR_TABLE, INTERNAL_ERROR, MALFORMED_JSON } from "./error-table";
import type { NestedErrors } from "./http-errors";
import type { RateLimitRule } from "./rate-limit";
import { ResponseInteger } from "./schema-types";

/** Each API error's name as the contract spells it (Discord's where it has one), for the OpenAPI document. */
const API_ERROR_NAMES: { readonly [C in ErrorCode]: string } = {
  VALIDATION: "Invalid Form Body",
  UNAUTHORIZED: "Unauthorized",
  MISSING_ACCESS: "Missing Access",
  MISSING_PERMISSIONS: "Missing Permissions",
  NOT_AUTHOR: "Cannot edit a message authored by another user",
  UNKNOWN_CHANNEL: "Unknown Channel",
  UNKNOWN_GUILD: "Unknown Guild",
  UNKNOWN_MESSAGE: "Unknown Message",
  UNKNOWN_USER: "Unknown User",
  UNKNOWN_INVITE: "Unknown Invite",
  UNKNOWN_ROLE: "Unknown Role",
  UNKNOWN_MEMBER: "Unknown Member",
  UNKNOWN_SESSION: "Unknown Session",
  UNKNOWN_APPLICATION: "Unknown Application",
  MFA_ALREADY_ENABLED: "This account is already enrolled in two-factor authentication",
  MFA_NOT_ENABLED: "This account is not enrolled in two-factor authentication",
  INVALID_MFA_SECRET: "Invalid two-factor secret",
  INVALID_MFA_TICKET: "Invalid two-factor auth ticket",
  INVALID_MFA_CODE: "Invalid two-factor code",
  TWO_FACTOR_REQUIRED: "Two factor is required for this operation",
  BOTS_FORBIDDEN: "Bots cannot use this endpoint",
  BOTS_ONLY: "Only bots can use this endpoint",
  INVALID_ROLE: "Invalid Role",
  UNKNOWN_WEBHOOK: "Unknown Webhook",
  INVALID_WEBHOOK_TOKEN: "Invalid Webhook Token",
  WEBHOOK_LIMIT: "Maximum number of webhooks reached (15)",
  UNKNOWN_EMOJI: "Unknown Emoji",
  INVALID_EMOJI: "Unknown Emoji",
  EMOJI_LIMIT: "Maximum number of emojis reached",
  THREAD_ALREADY_CREATED: "A thread has already been created for this message",
  THREAD_ARCHIVED: "Operation cannot be performed on an archived thread",
  THREAD_LOCKED: "Thread is locked",
  WEBHOOK_FORUM_NEEDS_THREAD: "Webhooks posted to forum channels must have a thread_name or thread_id",
  WEBHOOK_FORUM_BOTH_THREAD_FIELDS: "Webhooks posted to forum channels cannot have both a thread_name and thread_id",
  WEBHOOK_THREADS_FORUM_ONLY: "Webhooks can only create threads in forum channels",
  THREAD_LIMIT: "Maximum number of active threads reached",
  THREAD_MEMBER_LIMIT: "Maximum number of thread participants reached (1000)",
  FRIEND_REQUEST_BLOCKED: "Friend request blocked",
  BOTS_CANNOT_HAVE_FRIENDS: "Bots cannot have friends",
  CANNOT_FRIEND_SELF: "Cannot send friend request to self",
  NO_SUCH_DISCORD_TAG: "No users with DiscordTag exist",
  ALREADY_FRIENDS: "You're already friends with that user.",
  RELATIONSHIP_LIMIT: "Maximum number of friends reached (1000)",
  CANNOT_MESSAGE_USER: "Cannot send messages to this user",
  NOT_TEXT_CHANNEL: "Cannot send messages in a non-text channel",
  NOT_FOUND: "Not Found",
  CONFLICT: "Already taken",
  LIMIT_REACHED: "Maximum number reached",
  PAYLOAD_TOO_LARGE: "Request entity too large",
  RATE_LIMITED: "You are being rate limited.",
  SLOWMODE_RATE_LIMITED: "This action cannot be performed due to slowmode rate limit.",
  UNAVAILABLE: "Service unavailable",
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Content Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

interface ErrorExample {
  readonly code: number;
  readonly message: string;
  readonly errors?: NestedErrors;
}

const errorBody = (description: string, example: ErrorExample) =>
  t.Object(
    {
      code: ResponseInteger({ description: "API error code (docs/rest.md)" }),
      message: t.String(),
      errors: t.Optional(
        t.Record(t.String(), t.Unknown(), {
          description:
            "Discord's nested form: one key per path segment, each refused field's reasons in `_errors` as `{code, message}` (reasons about the whole body at the top level)",
        }),
      ),
    },
    { title: "Error", description, examples: [example] },
  );

type ErrorBodySchema = ReturnType<typeof errorBody>;

/** The error body of the contract, for responses described by their route. */
export const ErrorBody = errorBody("An error: `code` is the API error code, `message` says why", { code: 10003, message: "Unknown Channel" });

const rateLimitedBody = (description: string, domainCodes: readonly number[] = []) =>
  t.Object(
    {
      code:
        domainCodes.length === 0
          ? t.Literal(0)
          : t.Union([t.Literal(0), ...domainCodes.map((code) => t.Literal(code))], { description: "0 for a rate limit of the route, else the API error code" }),
      message: t.String(),
      retry_after: t.Number({ description: "seconds" }),
      global: t.Boolean({ description: "true for the per-user limit of every authenticated route" }),
    },
    { title: "RateLimited", description, examples: [{ code: 0, message: "You are being rate limited.", retry_after: 1.5, global: false }] },
  );

export const RateLimitedBody = rateLimitedBody("Too Many Requests — wait `retry_after` seconds (also in the Retry-After header)");

/** One way a route fails: a code of the error table and when it happens, e.g. `fails("MISSING_PERMISSIONS", "lacks SEND_MESSAGES")`. */
export interface Failure {
  readonly code: ErrorCode;
  readonly when: string;
}

export const fails = (code: ErrorCode, when: string): Failure => ({ code, when });

/** 403 50013 for a permission the caller lacks, e.g. `lacks("SEND_MESSAGES", "ATTACH_FILES with attachments")`. */
export const lacks = (...permissions: readonly string[]): Failure => fails("MISSING_PERMISSIONS", `lacks ${permissions.join(", or ")}`);

const line = (failure: Failure) => `${ERROR_TABLE[failure.code].code} ${API_ERROR_NAMES[failure.code]}: ${failure.when}`;

const INVALID_FORM_BODY: Failure = {
  code: "VALIDATION",
  when: "a field breaks its rule; `errors` names each field and the rule, e.g. `{\"limit\": {\"_errors\": [{\"code\": \"NUMBER_TYPE_MAX\", \"message\": \"Must be an integer between 1 and 100.\"}]}}`",
};
const TOKEN_REFUSED: Failure = { code: "UNAUTHORIZED", when: "the bearer token is missing, malformed, expired or revoked" };
const TOO_LARGE: Failure = { code: "PAYLOAD_TOO_LARGE", when: "the body is over 1 MiB (JSON) or MAX_UPLOAD_BYTES (uploads)" };

const described = (status: number, lines: readonly string[], example: ErrorExample): ErrorBodySchema =>
  errorBody(`${STATUS_TEXT[status] ?? "Error"} — ${lines.join("; ")}`, example);

const exampleOf = (failure: Failure): ErrorExample =>
  failure.code === "VALIDATION"
    ? { code: 50035, message: API_ERROR_NAMES.VALIDATION, errors: { limit: { _errors: [{ code: "NUMBER_TYPE_MAX", message: "Must be an integer between 1 and 100." }] } } }
    : { code: ERROR_TABLE[failure.code].code, message: API_ERROR_NAMES[failure.code] };

const perPeriod = (rule: RateLimitRule) =>
  `bucket ${rule.bucket}: ${rule.limit} requests per ${rule.periodMs / 1000} s per ${rule.by === "ip" ? "client IP" : rule.by === "user" ? "user" : rule.by === "route" ? "webhook" : "user and channel"}`;

/** What every route's error responses hold; the others (401, 403, 404, 409, 429, 503) depend on the route. */
type ErrorResponses = { 400: ErrorBodySchema; 413: ErrorBodySchema; 500: ErrorBodySchema };

/**
 * The error responses of a route for its `response`: each status described by the API codes it answers and when,
 * e.g. "Forbidden — 50013 Missing Permissions: lacks SEND_MESSAGES; 50001 Missing Access: cannot see the channel".
 * `auth` adds 401 40001 and the global per-user limit (429); `rateLimit` the route's own bucket.
 */
export const errorResponses = (options: { auth: boolean; rateLimit?: RateLimitRule }, ...failures: readonly Failure[]): ErrorResponses => {
  const byStatus = new Map<number, Failure[]>([[400, [INVALID_FORM_BODY]]]);
  if (options.auth) byStatus.set(401, [TOKEN_REFUSED]);
  for (const failure of failures) {
    const status = ERROR_TABLE[failure.code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), failure]);
  }
  const responses: Record<number, TObject> = {};
  // A domain's own 429s (slow mode) are told beside the route's rate limits, in the rate-limit body they share.
  const limited = byStatus.get(429) ?? [];
  byStatus.delete(429);
  for (const [status, list] of byStatus) {
    const lines = list.map(line);
    if (status === 400) lines.push(`${MALFORMED_JSON.code} ${MALFORMED_JSON.message}`);
    responses[status] = described(status, lines, exampleOf(list.find((failure) => failure.code !== "VALIDATION") ?? list[0]!));
  }
  responses[413] = described(413, [line(TOO_LARGE)], exampleOf(TOO_LARGE));
  const limits = [...(options.rateLimit ? [perPeriod(options.rateLimit)] : []), ...(options.auth ? ["the global limit of 50 requests per second per user"] : [])];
  const reasons = [...limited.map(line), ...limits];
  if (reasons.length > 0) {
    responses[429] = rateLimitedBody(
      `Too Many Requests — ${reasons.join("; ")}; wait \`retry_after\` seconds`,
      limited.map((failure) => ERROR_TABLE[failure.code].code),
    );
  }
  responses[500] = described(500, [`${INTERNAL_ERROR.code} ${INTERNAL_ERROR.message}: a bug, logged with the request id`], {
    code: INTERNAL_ERROR.code,
    message: INTERNAL_ERROR.message,
  });
  return responses as unknown as ErrorResponses;
};

/** The error responses of a route without a caller or route-specific failures. */
export const commonErrors = errorResponses({ auth: false });

/** The error responses of a route that needs a caller and has no route-specific failures. */
export const authErrors = errorResponses({ auth: true });

/**
 * The failures of every route on a guild or its parts: it does not exist, or the caller is not a member. Shared,
 * since routes of other domains hang under a guild too (its channels, its message search, its voice states).
 */
export const guildFailures = [fails("UNKNOWN_GUILD", "no such guild"), fails("MISSING_ACCESS", "the caller is not a member of the guild")] as const;
