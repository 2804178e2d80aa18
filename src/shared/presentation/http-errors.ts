import { DomainError, isDomainError } from "../kernel/domain-error";
import type { InfrastructureFault } from "../kernel/ports/fault-classifier";
import {
  ERROR_TABLE,
  FAULT_TABLE,
  INTERNAL_ERROR,
  INVALID_FORM_BODY,
  MALFORMED_JSON,
  METHOD_NOT_ALLOWED,
  ROUTE_NOT_FOUND,
  UNPARSABLE_BODY,
} from "./error-table";

/** One reason a field was refused: Discord's machine-readable `code` (BASE_TYPE_REQUIRED, …) and its message. */
export interface FieldReason {
  readonly code: string;
  readonly message: string;
}

/**
 * Discord's nested `errors`: one key per path segment (`embeds` → `0` → `title`), the reasons of a field in its
 * `_errors` list; reasons about the body as a whole are the top-level `_errors`.
 */
export interface NestedErrors {
  readonly [key: string]: NestedErrors | readonly FieldReason[];
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: { code: number; message: string; errors?: NestedErrors; retry_after?: number; global?: boolean };
  /** Headers the answer adds (a 429's Retry-After). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Where a reason about the whole body, query or value is kept in the flat form (`_body`, `_query`, `_value`). */
const isRootPath = (path: string) => /^_(body|query|params|value|headers|cookie)$/.test(path);

/**
 * `{"embeds.0.title": reason}` → `{embeds: {"0": {title: {_errors: [reason]}}}}`, Discord's shape. Path segments
 * come from the client (an unknown field's name), so every level is a prototype-less object: a field named
 * `__proto__` or `constructor` is a key like any other, never a way into Object.prototype.
 */
export const nestErrors = (flat: Readonly<Record<string, FieldReason>>): NestedErrors => {
  const root: Record<string, unknown> = Object.create(null);
  for (const [path, reason] of Object.entries(flat)) {
    let node = root;
    if (!isRootPath(path)) {
      for (const segment of path.split(".")) node = (node[segment] ??= Object.create(null)) as Record<string, unknown>;
    }
    ((node._errors ??= []) as FieldReason[]).push(reason);
  }
  return root as NestedErrors;
};

/**
 * The code of a reason a domain rule gave as a sentence (uniqueness, references, rules beyond a schema): the
 * required-field sentence keeps Discord's code, every other one is BASE_TYPE_INVALID.
 */
const domainReason = (message: string): FieldReason => ({ code: message === REQUIRED ? "BASE_TYPE_REQUIRED" : "BASE_TYPE_INVALID", message });

const nestDomainFields = (fields: Readonly<Record<string, string>>): NestedErrors =>
  nestErrors(Object.fromEntries(Object.entries(fields).map(([path, message]) => [path, domainReason(message)])));

/** Thrown by the body parser for a body it cannot read as the route's format; becomes 400 50109 with this message. */
export class MalformedJsonError extends Error {
  constructor(message: string = MALFORMED_JSON.message) {
    super(message);
  }
}

/** Elysia's validation error `all` entries (TypeBox value errors), narrowed to what we read. */
interface ValidationIssue {
  readonly path?: string;
  readonly type?: number;
  readonly value?: unknown;
  readonly schema?: RuleSchema;
}

/** The JSON Schema keywords a rule is described from. */
interface RuleSchema {
  readonly error?: unknown;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly const?: unknown;
  readonly anyOf?: readonly RuleSchema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** `/nested/0/name` → `nested.0.name`; the root becomes `_body` like Discord's `_errors`. */
const fieldPath = (pointer: string | undefined, where: string): string => {
  const path = (pointer ?? "").split("/").filter(Boolean).join(".");
  return path === "" ? `_${where}` : path;
};

/** The JSON type a schema stands for; Elysia's coercing integer (a string-or-integer union) counts as an integer. */
const typeOf = (schema: RuleSchema): string | undefined => {
  if (schema.const !== undefined) return schema.const === null ? "null" : typeof schema.const === "number" ? "number" : typeof schema.const;
  if (typeof schema.type === "string") return schema.type;
  const numeric = schema.anyOf?.find((branch) => branch.type === "integer" || branch.type === "number");
  if (numeric && schema.anyOf?.some((branch) => branch.format === "integer" || branch.format === "numeric")) return numeric.type as string;
  return undefined;
};

const jsonTypeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? "number" : typeof value;

/** True when `value` is of the kind of JSON value `type` names (any number for an integer, so its rule is told). */
const sameKind = (type: string | undefined, value: unknown): boolean =>
  type === jsonTypeOf(value) || (type === "integer" && typeof value === "number");

const NOUNS: Record<string, string> = {
  string: "a string",
  integer: "an integer",
  number: "a number",
  boolean: "a boolean",
  object: "an object",
  array: "an array",
  null: "null",
};

const noun = (schema: RuleSchema): string => {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = typeOf(schema);
  if (type === "string" && schema.format === "date-time") return "an ISO 8601 timestamp";
  return (type && NOUNS[type]) ?? "a valid value";
};

/** "between 2 and 32", "4000 or fewer", "1 or more" — Discord's phrasing of a length bound. */
const lengthBound = (min: number | undefined, max: number | undefined): string | undefined => {
  if (min !== undefined && min > 0 && max !== undefined) return `between ${min} and ${max}`;
  if (max !== undefined) return `${max} or fewer`;
  if (min !== undefined && min > 0) return `${min} or more`;
  return undefined;
};

/** "an integer between 1 and 100", "an integer of at least 0", "an integer". */
const numberRule = (schema: RuleSchema): string => {
  const base = noun(schema);
  const number = typeOf(schema) === "integer" ? schema : (schema.anyOf?.find((branch) => branch.type === "integer" || branch.type === "number") ?? schema);
  const { minimum, maximum } = number;
  if (minimum !== undefined && maximum !== undefined) return `${base} between ${minimum} and ${maximum}`;
  if (minimum !== undefined) return `${base} of at least ${minimum}`;
  if (maximum !== undefined) return `${base} of at most ${maximum}`;
  return base;
};

/** Discord's code for a value of the wrong kind, by the kind the rule wants. */
const CONVERT_CODES: Record<string, string> = {
  string: "STRING_TYPE_CONVERT",
  integer: "NUMBER_TYPE_COERCE",
  number: "NUMBER_TYPE_COERCE",
  boolean: "BOOLEAN_TYPE_COERCE",
  object: "DICT_TYPE_CONVERT",
  array: "LIST_TYPE_CONVERT",
};

const reason = (code: string, message: string): FieldReason => ({ code, message });

/** BASE_TYPE_BAD_LENGTH for a range, else the one bound that was broken. */
const lengthCode = (min: number | undefined, max: number | undefined, length: number | undefined): string => {
  if (min !== undefined && min > 0 && max !== undefined) return "BASE_TYPE_BAD_LENGTH";
  if (max !== undefined && (length === undefined || length > max)) return "BASE_TYPE_MAX_LENGTH";
  return "BASE_TYPE_MIN_LENGTH";
};

const numberCode = (schema: RuleSchema, value: unknown): string => {
  if (typeof value !== "number") return "NUMBER_TYPE_COERCE";
  const number = typeOf(schema) === "integer" ? schema : (schema.anyOf?.find((branch) => branch.type === "integer" || branch.type === "number") ?? schema);
  if (number.maximum !== undefined && value > number.maximum) return "NUMBER_TYPE_MAX";
  if (number.minimum !== undefined && value < number.minimum) return "NUMBER_TYPE_MIN";
  return "NUMBER_TYPE_COERCE";
};

/**
 * The whole rule of `schema`, told for the `value` that broke it: its type when the value is of another kind,
 * else the bound (length, range, items). Built from the schema's keywords, so every route's schema explains itself;
 * the code is Discord's for that kind of failure.
 */
const ruleReason = (schema: RuleSchema, value: unknown): FieldReason => {
  const type = typeOf(schema);
  if (typeof schema.error === "string") return reason(sameKind(type, value) || type === undefined ? "BASE_TYPE_INVALID" : (CONVERT_CODES[type] ?? "BASE_TYPE_INVALID"), schema.error);
  if (schema.anyOf && type === undefined) {
    const matching = schema.anyOf.filter((branch) => sameKind(typeOf(branch), value) && branch.const === undefined);
    if (matching.length === 1) return ruleReason(matching[0]!, value);
    const options = schema.anyOf.map(noun);
    if (schema.anyOf.every((branch) => branch.const !== undefined)) return reason("BASE_TYPE_CHOICES", `Must be one of: ${options.join(", ")}.`);
    // A nullable field ("a string or null") refused for its kind has the code of the kind it takes.
    const kinds = new Set(schema.anyOf.map(typeOf).filter((kind) => kind !== "null"));
    const [kind] = kinds;
    const code = kinds.size === 1 && kind !== undefined ? (CONVERT_CODES[kind] ?? "BASE_TYPE_INVALID") : "BASE_TYPE_INVALID";
    return reason(code, `Must be ${options.slice(0, -1).join(", ")}${options.length > 1 ? " or " : ""}${options.at(-1)}.`);
  }
  if (type === "integer" || type === "number") return reason(numberCode(schema, value), `Must be ${numberRule(schema)}.`);
  if (schema.const !== undefined) return reason("BASE_TYPE_CHOICES", `Must be ${noun(schema)}.`);
  if (!sameKind(type, value)) return reason((type && CONVERT_CODES[type]) ?? "BASE_TYPE_INVALID", `Must be ${noun(schema)}.`);
  if (type === "string" || type === "array") {
    const [min, max] = type === "string" ? [schema.minLength, schema.maxLength] : [schema.minItems, schema.maxItems];
    const bound = lengthBound(min, max);
    const length = typeof value === "string" ? value.length : Array.isArray(value) ? value.length : undefined;
    return bound ? reason(lengthCode(min, max, length), `Must be ${bound} in length.`) : reason("BASE_TYPE_INVALID", `Must be ${noun(schema)}.`);
  }
  return reason("BASE_TYPE_INVALID", `Must be ${noun(schema)}.`);
};

/** TypeBox's ValueErrorType: the failures about a property rather than its value, and the length bounds. */
const ADDITIONAL_PROPERTY = 42;
const REQUIRED_PROPERTY = 45;
const STRING_LENGTH = new Set([51, 52]);
const REQUIRED = "This field is required";

const reasonOf = (issue: ValidationIssue): FieldReason => {
  if (issue.type === REQUIRED_PROPERTY) return reason("BASE_TYPE_REQUIRED", REQUIRED);
  // Discord ignores fields it does not know; XCord refuses them, so a misspelt field is never silently dropped.
  if (issue.type === ADDITIONAL_PROPERTY) return reason("UNKNOWN_FIELD", "Unknown field.");
  if (!issue.schema) return reason("BASE_TYPE_INVALID", "Invalid value.");
  // A schema's own message explains its pattern; a length bound is told the same way everywhere.
  if (issue.type !== undefined && STRING_LENGTH.has(issue.type)) return ruleReason({ ...issue.schema, error: undefined }, issue.value);
  return ruleReason(issue.schema, issue.value);
};

/**
 * Field reasons from an Elysia ValidationError, one per field (the first reason wins), each naming the rule
 * that failed in Discord's words: "Must be between 2 and 32 in length.", "This field is required".
 */
export const validationReasons = (issues: readonly ValidationIssue[], where: string): Record<string, FieldReason> => {
  const reasons: Record<string, FieldReason> = Object.create(null);
  for (const issue of issues) reasons[fieldPath(issue.path, where)] ??= reasonOf(issue);
  return reasons;
};

/**
 * A domain error as the contract's answer. One that ends by itself (`retryAfterMs`, e.g. slow mode's 429 20016) is
 * shaped as Discord's rate-limit answers are: `retry_after` in seconds and `global: false` in the body, and the
 * `Retry-After` header in whole seconds, rounded up.
 */
export const fromDomainError = (error: DomainError): ErrorResponse => {
  const { status, code } = ERROR_TABLE[error.code];
  const body = { code, message: error.message, ...(error.fields ? { errors: nestDomainFields(error.fields) } : {}) };
  if (error.retryAfterMs === undefined) return { status, body };
  const retryAfterMs = Math.max(0, Math.ceil(error.retryAfterMs));
  return {
    status,
    body: { ...body, retry_after: retryAfterMs / 1000, global: false },
    headers: { "retry-after": String(Math.ceil(retryAfterMs / 1000)), "x-ratelimit-scope": "user" },
  };
};

/** The one place that turns any thrown value into the contract's error response. */
export const toErrorResponse = (error: unknown): ErrorResponse | undefined => {
  // Elysia wraps whatever a parse hook throws (size limit, malformed JSON) in a ParseError: judge the cause.
  if (error instanceof Error && (error as { code?: unknown }).code === "PARSE" && error.cause) return toErrorResponse(error.cause);
  if (isDomainError(error)) return fromDomainError(error);
  if (error instanceof MalformedJsonError) {
    return { status: MALFORMED_JSON.status, body: { code: MALFORMED_JSON.code, message: error.message } };
  }
  return undefined;
};

/** A fixed error of the error table as a response. */
const answer = (entry: { readonly status: number; readonly code: number; readonly message: string }): ErrorResponse => ({
  status: entry.status,
  body: { code: entry.code, message: entry.message },
});

export const internalError = (): ErrorResponse => answer(INTERNAL_ERROR);
export const unparsableBody = (): ErrorResponse => answer(UNPARSABLE_BODY);
export const routeNotFound = (): ErrorResponse => answer(ROUTE_NOT_FOUND);

export const methodNotAllowed = (allowed: readonly string[]): ErrorResponse => ({
  status: METHOD_NOT_ALLOWED.status,
  body: { code: METHOD_NOT_ALLOWED.code, message: METHOD_NOT_ALLOWED.message(allowed) },
});

/** 400 50035 with a reason for each field of the request that broke its route's schema. */
export const invalidFormBody = (issues: readonly ValidationIssue[], where: string): ErrorResponse => ({
  status: INVALID_FORM_BODY.status,
  body: { code: INVALID_FORM_BODY.code, message: INVALID_FORM_BODY.message, errors: nestErrors(validationReasons(issues, where)) },
});

export const faultResponse = (fault: InfrastructureFault): ErrorResponse => {
  const { status, code, message, errors } = FAULT_TABLE[fault];
  return { status, body: { code, message, ...(errors ? { errors: nestDomainFields(errors) } : {}) } };
};

export { DomainError };
