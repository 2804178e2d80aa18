import { DomainError, isDomainError } from "../kernel/domain-error";
import { ERROR_TABLE, INTERNAL_ERROR, MALFORMED_JSON } from "./error-table";

export interface ErrorResponse {
  readonly status: number;
  readonly body: { code: number; message: string; errors?: Record<string, string> };
}

/** Thrown by the body parser; becomes 400 50109. */
export class MalformedJsonError extends Error {}

/** Elysia's validation error `all` entries, narrowed to what we read. */
interface ValidationIssue {
  readonly path?: string;
  readonly message?: string;
  readonly summary?: string;
  readonly schema?: { error?: unknown };
}

/** `/nested/0/name` → `nested.0.name`; the root becomes `_body` like Discord's `_errors`. */
const fieldPath = (pointer: string | undefined, where: string): string => {
  const path = (pointer ?? "").split("/").filter(Boolean).join(".");
  return path === "" ? `_${where}` : path;
};

/** Field reasons from an Elysia ValidationError, one per field, the first reason wins. */
export const validationReasons = (issues: readonly ValidationIssue[], where: string): Record<string, string> => {
  const reasons: Record<string, string> = {};
  for (const issue of issues) {
    const key = fieldPath(issue.path, where);
    const custom = typeof issue.schema?.error === "string" ? issue.schema.error : undefined;
    reasons[key] ??= custom ?? issue.summary ?? issue.message ?? "Invalid value";
  }
  return reasons;
};

export const fromDomainError = (error: DomainError): ErrorResponse => {
  const { status, code } = ERROR_TABLE[error.code];
  return { status, body: { code, message: error.message, ...(error.fields ? { errors: error.fields } : {}) } };
};

/** The one place that turns any thrown value into the contract's error response. */
export const toErrorResponse = (error: unknown): ErrorResponse | undefined => {
  // Elysia wraps whatever a parse hook throws (size limit, malformed JSON) in a ParseError: judge the cause.
  if (error instanceof Error && (error as { code?: unknown }).code === "PARSE" && error.cause) return toErrorResponse(error.cause);
  if (isDomainError(error)) return fromDomainError(error);
  if (error instanceof MalformedJsonError) {
    return { status: MALFORMED_JSON.status, body: { code: MALFORMED_JSON.code, message: MALFORMED_JSON.message } };
  }
  return undefined;
};

export const internalError = (): ErrorResponse => ({
  status: INTERNAL_ERROR.status,
  body: { code: INTERNAL_ERROR.code, message: INTERNAL_ERROR.message },
});

export { DomainError };
