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
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  LIMIT_REACHED: "LIMIT_REACHED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "RATE_LIMITED",
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
  ) {
    super(message);
  }
}

export const isDomainError = (error: unknown): error is DomainError =>
  error instanceof DomainError;

/** Shorthand for a 400 with one field reason. */
export const invalidField = (field: string, reason: string): DomainError<"VALIDATION"> =>
  new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", { [field]: reason });
