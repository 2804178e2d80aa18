import fc from "fast-check";
import type { JsonSchema, Operation } from "./openapi";

/**
 * fast-check arbitraries built from JSON Schema (the OpenAPI document's): "valid-ish" values that follow the
 * schema (so requests reach domain code), hostile values that break it, and whole hostile HTTP requests.
 */

/** Ids and strings that exist in the fixture, so that valid-ish values hit real rows, not only 404s. */
export interface ValuePool {
  snowflakes: string[];
  strings: string[];
}

const SNOWFLAKE_PATTERN = "^[0-9]{1,20}$";

/** Snowflake-shaped strings that are not usable ids: over int64, negative, signed, padded, full-width... */
export const INVALID_SNOWFLAKES = [
  "99999999999999999999",
  "18446744073709551616",
  "9223372036854775808",
  "9223372036854775807",
  "00000000000000000000",
  "0",
  "-1",
  "+1",
  "1e5",
  "0x10",
  "1.0",
  " 1",
  "1 ",
  "１２３",
  "",
  "123456789012345678901",
  "@me",
  "null",
  "undefined",
  "NaN",
];

export const HOSTILE_STRINGS = [
  "",
  " ",
  "\u0000",
  "\uD800",
  "\uDFFF",
  "\u202E\u2066",
  "\uFEFF",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢L̠ͨͧͩ͘G̴̻͈͍͔̹̑͗̎̅͛́Ǫ̵̹̻̝̳͂̌̌͘",
  "👍🏽‍🔥",
  "<script>alert(1)</script>",
  "'; DROP TABLE users; --",
  "../../../../etc/passwd",
  "%00",
  "%zz",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "\r\nSet-Cookie: x=y",
  "@everyone",
  "<@1>",
  "x".repeat(5000),
  "ü".repeat(70_000),
];

export const HOSTILE_NUMBERS = [-1, 0, -0, 1.5, -1e308, 1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, -(2 ** 63), 5e-324];

/** Nested arrays and objects `depth` levels deep. */
export const deeplyNested = (depth: number, kind: "array" | "object" = "array"): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
};

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.constantFrom(...INVALID_SNOWFLAKES), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS, true, false, null, {}, [], [null], JSON.parse('{"__proto__":{"admin":true}}')), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 2 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom(deeplyNested(64), deeplyNested(64, "object")), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
);

/** A hostile value for where `schema` is expected: wrong type, out of range, too long, or just strange. */
export const hostile = (schema: JsonSchema, pool: ValuePool): fc.Arbitrary<unknown> => {
  const targeted: Array<fc.Arbitrary<unknown>> = [];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === "string" && schema.maxLength !== undefined) targeted.push(fc.constant("y".repeat(Math.min(schema.maxLength + 1, 200_000))));
  if (type === "integer" || type === "number" || schema.format === "integer") {
    if (schema.minimum !== undefined) targeted.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) targeted.push(fc.constant(schema.maximum + 1), fc.constant(String(schema.maximum + 1)));
  }
  if (type === "array") {
    const items = schema.items ?? {};
    if (schema.maxItems !== undefined) targeted.push(fc.array(validish(items, pool, 2), { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 1 }));
    targeted.push(fc.array(hostileScalar, { maxLength: 4 }));
  }
  if (type === "object") {
    targeted.push(mutatedObject(schema, pool));
  }
  return targeted.length ? fc.oneof({ arbitrary: fc.oneof(...targeted), weight: 1 }, { arbitrary: hostileScalar, weight: 1 }) : hostileScalar;
};

/** A valid object with one thing wrong: a required field gone, an unknown one added, or one field hostile. */
const mutatedObject = (schema: JsonSchema, pool: ValuePool): fc.Arbitrary<unknown> => {
  const keys = Object.keys(schema.properties ?? {});
  return fc
    .tuple(validish(schema, pool, 2) as fc.Arbitrary<Record<string, unknown>>, fc.nat(), hostileScalar, fc.nat(3))
    .map(([value, pick, bad, how]) => {
      const copy: Record<string, unknown> = { ...value };
      const required = schema.required ?? [];
      if (how === 0 && required.length) delete copy[required[pick % required.length]!];
      // defineProperty: a plain assignment to "__proto__" would set the prototype, not a field JSON carries.
      else if (how === 1) Object.defineProperty(copy, ["extra", "__proto__", "constructor", "id", "owner_id", "permissions"][pick % 6]!, { value: bad, enumerable: true });
      else if (keys.length) copy[keys[pick % keys.length]!] = bad;
      else copy.unexpected = bad;
      return copy;
    });
};

const snowflake = (pool: ValuePool): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: pool.snowflakes.length ? fc.constantFrom(...pool.snowflakes) : fc.constant("1"), weight: 6 },
    { arbitrary: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String), weight: 2 },
    { arbitrary: fc.constantFrom("1", "0", "99999999999999999999", "9223372036854775807", "00000000000000000001"), weight: 1 },
  );

/** A value that follows `schema` (types, lengths, ranges, required fields), preferring the pool's real ids. */
export const validish = (schema: JsonSchema, pool: ValuePool, depth = 0): fc.Arbitrary<unknown> => {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alternative) => validish({ ...alternative }, pool, depth)));
  const type = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((one) => validish({ ...schema, type: one }, pool, depth)));
  const withNull = (arbitrary: fc.Arbitrary<unknown>) => (schema.nullable ? fc.oneof(arbitrary, fc.constant(null)) : arbitrary);
  switch (type[0]) {
    case "string": {
      if (schema.format === "integer") return fc.integer({ min: -5, max: 1000 }).map(String);
      if (schema.pattern === SNOWFLAKE_PATTERN) return withNull(snowflake(pool));
      const maxLength = Math.min(schema.maxLength ?? 40, 40);
      const minLength = Math.min(schema.minLength ?? 0, maxLength);
      const options: Array<fc.Arbitrary<unknown>> = [fc.string({ minLength, maxLength }), fc.string({ unit: "grapheme", minLength, maxLength })];
      if (schema.pattern) options.push(fc.stringMatching(new RegExp(schema.pattern)));
      if (pool.strings.length) options.push(fc.constantFrom(...pool.strings));
      return withNull(fc.oneof(...options));
    }
    case "integer":
    case "number": {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? Math.max(min + 1000, 1000);
      const integers = fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
      return withNull(type[0] === "integer" ? integers : fc.oneof(integers, fc.double({ min, max, noNaN: true })));
    }
    case "boolean":
      return withNull(fc.boolean());
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = schema.minItems ?? 0;
      return withNull(fc.array(validish(schema.items ?? {}, pool, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 4, 4)) }));
    }
    case "object": {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, validish(value, pool, depth + 1)]));
      const requiredKeys = (schema.required ?? []).filter((key) => key in properties);
      return withNull(fc.record(model, { requiredKeys }));
    }
    default:
      return depth > 2 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
};

/** Anywhere in the tree, a node may turn hostile (one in five); otherwise it follows the schema. */
export const mostlyValid = (schema: JsonSchema, pool: ValuePool, depth = 0): fc.Arbitrary<unknown> => {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  let valid: fc.Arbitrary<unknown> = validish(schema, pool, depth);
  if (type === "object" && schema.properties && depth < 3) {
    const model = Object.fromEntries(Object.entries(schema.properties).map(([key, value]) => [key, mostlyValid(value, pool, depth + 1)]));
    valid = fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in schema.properties!) });
  }
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: hostile(schema, pool), weight: 1 });
};

/** One request as sent on the wire. */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query, already encoded (sometimes badly, on purpose). */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body?: string | FormData | Uint8Array;
  readonly anonymous: boolean;
  /** What was chosen, for the failure report. */
  readonly label: string;
}

/** A value as URL text: strings as they are, the rest as JSON; lone surrogates (which no URL can carry) replaced. */
const text = (value: unknown): string => (typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined")).toWellFormed();

/** A path segment: usually encoded properly, sometimes raw (bad percent escapes, slashes, dots). */
const pathSegment = (schema: JsonSchema, pool: ValuePool): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: validish(schema, pool).map((value) => encodeURIComponent(text(value))), weight: 6 },
    { arbitrary: hostile(schema, pool).map((value) => encodeURIComponent(text(value).slice(0, 3000))), weight: 3 },
    { arbitrary: fc.constantFrom("%zz", "%", "%E0%A4%A", "%00", "..", ".", "%2F", "a%2F..%2F..", "%C0%AE", "%FF%FE"), weight: 1 },
  );

const queryString = (operation: Operation, pool: ValuePool): fc.Arbitrary<string> => {
  const params = operation.parameters.filter((parameter) => parameter.in === "query");
  const pairs = params.map((parameter) =>
    fc.option(
      fc.oneof(
        { arbitrary: validish(parameter.schema, pool).map((value) => [[parameter.name, text(value)]]), weight: 4 },
        { arbitrary: hostile(parameter.schema, pool).map((value) => [[parameter.name, text(value).slice(0, 3000)]]), weight: 2 },
        { arbitrary: fc.tuple(validish(parameter.schema, pool), validish(parameter.schema, pool)).map(([a, b]) => [[parameter.name, text(a)], [parameter.name, text(b)]]), weight: 1 },
      ),
      { freq: 3 },
    ),
  );
  const extra = fc.option(fc.constantFrom([["unknown", "1"]], [["__proto__[x]", "1"]], [["limit", "%zz"]]), { freq: 5 });
  return fc.tuple(fc.tuple(...pairs), extra, fc.boolean()).map(([chosen, more, raw]) => {
    const entries = [...chosen.flatMap((pair) => pair ?? []), ...(more ?? [])] as Array<[string, string]>;
    if (entries.length === 0) return "";
    // Raw: the value as it is, so broken escapes reach the server's decoder.
    return `?${entries.map(([key, value]) => (raw ? `${key}=${value.replace(/[\s#&]/g, "+")}` : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)).join("&")}`;
  });
};

type Body = Pick<FuzzRequest, "body"> & { headers: Record<string, string>; label: string };

const jsonBody = (value: unknown, label: string): Body => ({
  body: JSON.stringify(value),
  headers: { "content-type": "application/json" },
  label,
});

const bodies = (operation: Operation, pool: ValuePool): fc.Arbitrary<Body> => {
  const schema = operation.body?.schema ?? {};
  const none = fc.constant<Body>({ headers: {}, label: "no body" });
  const badJson = fc.constantFrom("{", '{"a":', "[1,2", "nul", "{'a':1}", '{"a":1}}', "\u0000", '{"a":"\\uD800"}', "{}".repeat(10)).map((raw) => ({
    body: raw,
    headers: { "content-type": "application/json" },
    label: `bad json ${JSON.stringify(raw)}`,
  }));
  const wrongType = fc
    .tuple(validish(schema, pool), fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data", "application/json; charset=utf-16", "application/vnd.evil+json"))
    .map(([value, type]) => ({ body: JSON.stringify(value), headers: { "content-type": type }, label: `content-type ${type}` }));
  const deep = fc.constantFrom(10_000, 100_000).map((depth) => ({
    body: "[".repeat(depth) + "]".repeat(depth),
    headers: { "content-type": "application/json" },
    label: `nesting ${depth}`,
  }));
  if (operation.body?.contentType.startsWith("multipart/")) {
    const form = fc
      .tuple(fc.uint8Array({ maxLength: 64 }), fc.constantFrom("a.png", "", "../../x", "x".repeat(300), "\u0000.txt", "ü.gif"), fc.constantFrom("file", "files", "other"), fc.constantFrom("image/png", "text/html", "", "application/x-msdownload"))
      .map(([bytes, filename, field, type]) => {
        const data = new FormData();
        data.append(field, new File([bytes], filename, { type }));
        return { body: data, headers: {}, label: `multipart ${field}=${filename}` };
      });
    return fc.oneof({ arbitrary: form, weight: 6 }, none, wrongType, badJson);
  }
  if (!operation.body) return fc.oneof({ arbitrary: none, weight: 8 }, fc.jsonValue({ maxDepth: 2 }).map((value) => jsonBody(value, "unexpected body")), badJson);
  return fc.oneof(
    { arbitrary: validish(schema, pool).map((value) => jsonBody(value, "valid-ish")), weight: 5 },
    { arbitrary: mostlyValid(schema, pool).map((value) => jsonBody(value, "mostly valid")), weight: 5 },
    { arbitrary: hostile(schema, pool).map((value) => jsonBody(value, "hostile")), weight: 3 },
    { arbitrary: badJson, weight: 1 },
    { arbitrary: wrongType, weight: 1 },
    { arbitrary: none, weight: 1 },
    { arbitrary: deep, weight: 1 },
  );
};

/** The target as fetch will send it (non-ASCII percent-encoded), so that its length is the one on the wire. */
const asSent = (target: string): string => {
  try {
    const url = new URL(target, "http://x");
    return url.pathname + url.search;
  } catch {
    return target;
  }
};

/** Whole requests for `operation`: path params, query and body from its schemas; one in six anonymous. */
export const requestsFor = (operation: Operation, pool: ValuePool): fc.Arbitrary<FuzzRequest> => {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const segments = names.map((name) => pathSegment(operation.parameters.find((p) => p.in === "path" && p.name === name)?.schema ?? { type: "string" }, pool));
  return fc
    .tuple(fc.tuple(...segments), queryString(operation, pool), bodies(operation, pool), fc.nat(5))
    .map(([values, query, body, dice]) => {
      let i = 0;
      const path = operation.path.replace(/\{[^}]+\}/g, () => values[i++]!);
      // fetch cannot send a body with GET or HEAD.
      const bodyless = operation.method === "GET" || operation.method === "HEAD";
      return {
        method: operation.method,
        // Bun itself answers 431 (bare, before the app) to request lines past ~16 KiB: stay under that, encoded.
        target: asSent(path + query).slice(0, 8000),
        headers: bodyless ? {} : body.headers,
        body: bodyless ? undefined : body.body,
        anonymous: dice === 0,
        label: `${operation.method} ${path + query} [${bodyless ? "no body" : body.label}]${dice === 0 ? " anonymous" : ""}`.slice(0, 400),
      };
    });
};
