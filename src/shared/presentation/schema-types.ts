import { Kind, type SchemaOptions, type TInteger, type TOptional, type TSchema, Type, TypeRegistry } from "@sinclair/typebox";
import { codePointLength } from "../kernel/text";

/**
 * Request schemas whose published JSON Schema is exactly the rule the server enforces. TypeBox and Elysia differ
 * from JSON Schema in two places that clients see: Elysia's `t.Integer` is a union of a string and an integer
 * (published as "string or integer", and a range error after coercion loses the field's name), and TypeBox counts
 * `maxLength` in UTF-16 units where JSON Schema (and the domain's message limits) count code points.
 */

export interface IntegerOptions extends SchemaOptions {
  readonly minimum?: number;
  readonly maximum?: number;
  readonly default?: number;
}

export interface TextOptions extends SchemaOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
}

const DECIMAL = /^-?[0-9]{1,16}$/;

const inRange = (value: number, schema: IntegerOptions): boolean =>
  Number.isSafeInteger(value) &&
  (schema.minimum === undefined || value >= schema.minimum) &&
  (schema.maximum === undefined || value <= schema.maximum);

TypeRegistry.Set<IntegerOptions>("IntegerInput", (schema, value) => {
  if (typeof value === "number") return inRange(value, schema);
  return typeof value === "string" && DECIMAL.test(value) && inRange(Number(value), schema);
});

TypeRegistry.Set<TextOptions>("CodePointString", (schema, value) => {
  if (typeof value !== "string") return false;
  // At most two UTF-16 units per code point: a string short enough in units needs no counting.
  if (schema.maxLength !== undefined && value.length > schema.maxLength * 2) return false;
  const length = codePointLength(value);
  return length >= (schema.minLength ?? 0) && length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
});

/**
 * An integer in a request, published as `{"type": "integer"}` with its bounds. A JSON number, or a decimal string
 * (query strings always are; bodies stay lenient as before), decoded to a number; the bounds are checked on either,
 * before decoding, so a range error names its field.
 */
export const IntegerInput = (options: IntegerOptions = {}): TInteger =>
  // Typed as the integer the handler receives (Elysia types its own `t.Integer` the same way).
  Type.Transform(Type.Unsafe<number | string>({ ...options, [Kind]: "IntegerInput", type: "integer" }))
    .Decode((value) => (typeof value === "string" ? Number(value) : value))
    .Encode((value) => value) as unknown as TInteger;

/**
 * An integer in a response: TypeBox's own, published as `integer`. Elysia's `t.Integer` is a transform (it coerces
 * query strings), and one transform in a response schema makes Elysia encode every response through TypeBox's
 * transform walker, which cost a tenth of a history read's CPU; a plain schema is checked by compiled code instead.
 */
export const ResponseInteger = (options: IntegerOptions = {}) => Type.Integer(options);

/** A string whose `minLength`/`maxLength` count code points, as JSON Schema says (an emoji is one, not two). */
export const CodePointString = (options: TextOptions) => Type.Unsafe<string>({ ...options, [Kind]: "CodePointString", type: "string" });

export const SnowflakeString = Type.String({
  pattern: "^[0-9]{1,20}$",
  description: "snowflake id",
  examples: ["1234567890123456789"],
  error: "Must be a snowflake (a decimal string of up to 20 digits).",
});

/** A permission bitfield as the domain reads one: a decimal string of up to 20 digits (at most 2^64 - 1). */
export const PermissionBitfield = Type.String({
  pattern: "^[0-9]{1,20}$",
  description: "permission bitfield as a decimal string",
  examples: ["1024"],
  error: "Must be a permission bitfield (a decimal string of up to 20 digits).",
});

export const Timestamp = Type.String({ format: "date-time", examples: ["2025-01-01T12:00:00.000Z"] });

/**
 * An http(s) URL of at most `maxLength` characters, as the domain checks icons and avatars: the pattern refuses only
 * what `new URL` would not read as http(s) (it skips leading spaces and controls; the scheme is case-insensitive),
 * and the domain checks the rest.
 */
export const HttpUrlString = (maxLength: number, description: string) =>
  Type.String({
    maxLength,
    description,
    pattern: "^[\\u0000-\\u0020]*[Hh][Tt][Tt][Pp][Ss]?:",
    error: `Must be an http(s) URL of at most ${maxLength} characters.`,
    examples: ["https://example.com/image.png"],
  });

/** The first of a schema's `examples`, to build a larger example from its parts. */
export const exampleOf = (schema: TSchema): unknown => (schema.examples as readonly unknown[] | undefined)?.[0];

/** A copy of `schema` with other annotations (a response's own description or example), keeping its validation. */
export const annotated = <T extends TSchema>(schema: T, options: SchemaOptions): T => ({ ...schema, ...options });

/**
 * Fields Discord documents on a request that XCord has no feature for: accepted, so Discord's libraries and bots can
 * send them, and ignored (docs/rest.md, "Discord's fields XCord ignores", lists them per route). Each keeps a bounded
 * schema of its Discord type, so a value of the wrong kind is still a 400.
 */
export const ignoredDiscordFields = <P extends Record<string, TSchema>>(fields: P): { [K in keyof P]: TOptional<P[K]> } =>
  Object.fromEntries(
    Object.entries(fields).map(([name, schema]) => [
      name,
      Type.Optional({ ...schema, description: `Discord's field, accepted and ignored: XCord has no such feature${schema.description ? ` (${schema.description})` : ""}` }),
    ]),
  ) as { [K in keyof P]: TOptional<P[K]> };

/** Loose shapes of Discord's request fields that `ignoredDiscordFields` accepts. */
export const Ignored = {
  boolean: () => Type.Boolean(),
  integer: () => Type.Integer({ minimum: -(2 ** 53) + 1, maximum: 2 ** 53 - 1 }),
  string: (maxLength = 4096) => Type.Union([Type.String({ maxLength }), Type.Null()]),
  snowflake: () => Type.Union([Type.String({ pattern: "^[0-9]{1,20}$" }), Type.Null()]),
  /** A list of objects or values Discord defines (tags, templates); bounded in count, its items not interpreted. */
  list: (maxItems = 500) => Type.Array(Type.Unknown(), { maxItems }),
  object: () => Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
} as const;
