import { DomainError } from "../../src/shared/kernel/domain-error";

/**
 * Reading Discord's nested `errors` (`{embeds: {"0": {title: {_errors: [{code, message}]}}}}`) in tests: flattened
 * back to `{"embeds.0.title": "message"}`, the first reason of each field, and `_errors` at the top as `_body`.
 */
interface Reason {
  readonly code: string;
  readonly message: string;
}

const isReasonList = (value: unknown): value is Reason[] =>
  Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry?.code === "string" && typeof entry?.message === "string");

/** Why `errors` is not Discord's nested shape, or undefined when it is. */
export const nestedErrorsProblem = (errors: unknown, path = "errors"): string | undefined => {
  if (typeof errors !== "object" || errors === null || Array.isArray(errors)) return `${path} is not an object`;
  const entries = Object.entries(errors);
  if (entries.length === 0) return `${path} is empty`;
  for (const [key, value] of entries) {
    if (key === "_errors") {
      if (!isReasonList(value)) return `${path}._errors is not a list of {code, message}`;
    } else {
      const problem = nestedErrorsProblem(value, `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
};

const flatten = (node: Record<string, unknown>, prefix: string, into: Record<string, string>, codes: Record<string, string>): void => {
  for (const [key, value] of Object.entries(node)) {
    if (key === "_errors") {
      const path = prefix === "" ? "_body" : prefix;
      into[path] ??= (value as Reason[])[0]!.message;
      codes[path] ??= (value as Reason[])[0]!.code;
    } else {
      flatten(value as Record<string, unknown>, prefix === "" ? key : `${prefix}.${key}`, into, codes);
    }
  }
};

/** `{"field.path": "first message"}` of a response body's nested `errors` ({} when it has none); throws when malformed. */
export const fieldErrors = (body: unknown): Record<string, string> => {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (errors === undefined) return {};
  const problem = nestedErrorsProblem(errors);
  if (problem) throw new Error(`${problem}: ${JSON.stringify(errors)}`);
  const messages: Record<string, string> = {};
  flatten(errors as Record<string, unknown>, "", messages, {});
  return messages;
};

/** `{"field.path": "FIRST_CODE"}` of a response body's nested `errors`. */
export const fieldErrorCodes = (body: unknown): Record<string, string> => {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (errors === undefined) return {};
  const codes: Record<string, string> = {};
  flatten(errors as Record<string, unknown>, "", {}, codes);
  return codes;
};

/** The field reasons of the 400 (a DomainError VALIDATION) that `run` throws; fails when it throws none. */
export const thrownFieldErrors = (run: () => unknown): Record<string, string> => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.code === "VALIDATION") return error.fields ?? {};
    throw error;
  }
  throw new Error("expected a validation error");
};
