/**
 * Stable, machine-readable error codes. The presentation layer maps each one to an HTTP status and
 * an API.md code in a single table; adding a code here without mapping it is a type error there.
 */
export const ErrorCode = {
  VALIDATION: "VALIDATION",
  UNAUTHORIZED: "UNAUTHORIZED",
  MISSING_ACCESS: "MISSING_ACCESS",
  MISSING_PERMISSIONS: "MISSING_PERMISSIONS",
  NOT_AUTHOR: "NOT_AUTHOR",
  UNKNOWN_CHANNEL: "UNKNOWN_CHANNEL",
  UNKNOWN_GUILD: "UNKNOWN_GUILD",
  UNKNOWN_MESSAGE: "UNKNOWN_MESSAGE",
  UNKNOWN_USER: "UNKNOWN_USER",
  UNKNOWN_INVITE: "UNKNOWN_INVITE",
  UNKNOWN_ROLE: "UNKNOWN_ROLE",
  UNKNOWN_MEMBER: "UNKNOWN_MEMBER",
  UNKNOWN_SESSION: "UNKNOWN_SESSION",
  UNKNOWN_APPLICATION: "UNKNOWN_APPLICATION",
  /** Enabling two-factor login on an account that has it (Discord's 60001). */
  MFA_ALREADY_ENABLED: "MFA_ALREADY_ENABLED",
  /** A two-factor action on an account without it (Discord's 60002). */
  MFA_NOT_ENABLED: "MFA_NOT_ENABLED",
  /** A TOTP secret that is not base32 of 16–64 characters (Discord's 60005). */
  INVALID_MFA_SECRET: "INVALID_MFA_SECRET",
  /** A login ticket that is unknown, expired, used or worn out by wrong codes (Discord's 60006). */
  INVALID_MFA_TICKET: "INVALID_MFA_TICKET",
  /** An action that needs the caller to have two-factor login enabled (Discord's 403 60003). */
  TWO_FACTOR_REQUIRED: "TWO_FACTOR_REQUIRED",
  /** A wrong, reused or locked-out two-factor or backup code (Discord's 60008). */
  INVALID_MFA_CODE: "INVALID_MFA_CODE",
  /** A bot account called a route meant for people (Discord's 20001). */
  BOTS_FORBIDDEN: "BOTS_FORBIDDEN",
  /** A person called a route meant for bot accounts (Discord's 20002). */
  BOTS_ONLY: "BOTS_ONLY",
  /** A role that cannot be used this way: a bot's managed role assigned, removed or deleted (Discord's 50028). */
  INVALID_ROLE: "INVALID_ROLE",
  UNKNOWN_WEBHOOK: "UNKNOWN_WEBHOOK",
  /** A webhook token that does not match its webhook (Discord's 50027). */
  INVALID_WEBHOOK_TOKEN: "INVALID_WEBHOOK_TOKEN",
  /** A channel already has its 15 webhooks (Discord's 30007). */
  WEBHOOK_LIMIT: "WEBHOOK_LIMIT",
  /** No such custom emoji, or one the caller cannot see (Discord's 10014, 404). */
  UNKNOWN_EMOJI: "UNKNOWN_EMOJI",
  /** A reaction with a custom emoji the user may not use: unknown, of a guild they are not in, or role-restricted (Discord's 400 10014). */
  INVALID_EMOJI: "INVALID_EMOJI",
  /** A guild already has its 50 static or 50 animated custom emoji (Discord's 30008). */
  EMOJI_LIMIT: "EMOJI_LIMIT",
  /** A message that already started a thread (Discord's 160004). */
  THREAD_ALREADY_CREATED: "THREAD_ALREADY_CREATED",
  /** Adding or removing members of an archived thread (Discord's 50083). */
  THREAD_ARCHIVED: "THREAD_ARCHIVED",
  /** A locked thread refuses what only its moderators may do (Discord's 160005). */
  THREAD_LOCKED: "THREAD_LOCKED",
  WEBHOOK_FORUM_NEEDS_THREAD: "WEBHOOK_FORUM_NEEDS_THREAD",
  WEBHOOK_FORUM_BOTH_THREAD_FIELDS: "WEBHOOK_FORUM_BOTH_THREAD_FIELDS",
  WEBHOOK_THREADS_FORUM_ONLY: "WEBHOOK_THREADS_FORUM_ONLY",
  /** The guild has its 1000 active threads (Discord's 160006). */
  THREAD_LIMIT: "THREAD_LIMIT",
  /** The thread has its 1000 members (Discord's 30033). */
  THREAD_MEMBER_LIMIT: "THREAD_MEMBER_LIMIT",
  /** A friend request either side's block refuses; Discord says no more (80001). */
  FRIEND_REQUEST_BLOCKED: "FRIEND_REQUEST_BLOCKED",
  /** A friend request to or from a bot account (Discord's 80002). */
  BOTS_CANNOT_HAVE_FRIENDS: "BOTS_CANNOT_HAVE_FRIENDS",
  /** A friend request to oneself (Discord's 80003). */
  CANNOT_FRIEND_SELF: "CANNOT_FRIEND_SELF",
  /** A friend request by a username nobody has (Discord's 80004). */
  NO_SUCH_DISCORD_TAG: "NO_SUCH_DISCORD_TAG",
  /** A friend request by username to a friend (Discord's 80007). */
  ALREADY_FRIENDS: "ALREADY_FRIENDS",
  /** The user already has 1000 relationships (Discord's 30002). */
  RELATIONSHIP_LIMIT: "RELATIONSHIP_LIMIT",
  /** A DM between users one of whom blocked the other (Discord's 50007). */
  CANNOT_MESSAGE_USER: "CANNOT_MESSAGE_USER",
  /** A message route on a channel that holds no messages: voice, category, forum (Discord's 50008). */
  NOT_TEXT_CHANNEL: "NOT_TEXT_CHANNEL",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  LIMIT_REACHED: "LIMIT_REACHED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
  /** A message or thread within a channel's slow-mode window (Discord's 429 20016); carries `retryAfterMs`. */
  SLOWMODE_RATE_LIMITED: "SLOWMODE_RATE_LIMITED",
  UNAVAILABLE: "UNAVAILABLE",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Field path → reason, as in the `errors` object of API.md. */
export type FieldErrors = Record<string, string>;

/** The one error type domain and application code throw for expected failures. */
export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = "DomainError";

  constructor(
    readonly code: C,
    message: string,
    readonly fields?: FieldErrors,
    /** Refusals that end by themselves (a 429): how long until the action may be retried, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof DomainError;

/** Shorthand for a 400 with one field reason. */
export const invalidField = (field: string, reason: string): DomainError<"VALIDATION"> =>
  new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { [field]: reason });
