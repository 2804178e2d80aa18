/**
 * Finishes the OpenAPI document @elysiajs/openapi generates from the route schemas, where the plugin cannot be told:
 * - it leaves `requestBody.content` empty on routes with a function parse hook (http-core's size-limiting parser is
 *   one on every route): each route's own body schema is put back, as JSON, or as multipart for bodies with files;
 *   a route that also reads multipart declares that form's schema as `detail["x-multipart"]` (moved into the body);
 * - Elysia's coercing `t.Integer`/`t.Numeric` are published as "string or integer": the exact numeric type is kept;
 * - `error` (a schema's custom validation message) is not JSON Schema: dropped;
 * - void responses get a `content` that is not a media type map: removed;
 * - responses whose schema has no description get "Response for status N": described from status and schema;
 * - Swagger UI shows (and "Try it out" sends) a media type's `example`: each is the first of its schema's examples,
 *   or one built from its parts.
 */
interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly hooks: { readonly body?: unknown };
}

type Json = Record<string, unknown>;

interface MediaType {
  schema?: Json;
  example?: unknown;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
}

interface Operation {
  "x-multipart"?: unknown;
  parameters?: Array<{ schema?: Json }>;
  requestBody?: { content?: Record<string, MediaType>; required?: boolean; description?: string };
  responses?: Record<string, Response>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation | undefined>>;
  components?: { schemas?: Record<string, Json> };
}

/** `/channels/:id/messages` → `/channels/{id}/messages`, as the document names paths. */
const documentPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** True when a schema (an object's properties, one level deep) holds a file. */
const carriesFiles = (schema: unknown): boolean => {
  const properties = (schema as { properties?: Record<string, { format?: string; type?: string; items?: { format?: string } }> }).properties;
  return Object.values(properties ?? {}).some((property) => property.format === "binary" || property.items?.format === "binary");
};

/** A plain JSON Schema copy of a TypeBox schema (drops TypeBox's symbol keys). */
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as Json;

const operationsOf = (document: OpenApiDocument): Operation[] =>
  Object.values(document.paths ?? {}).flatMap((methods) => Object.values(methods).filter((operation): operation is Operation => !!operation));

/** Fills the empty request bodies of `document` from `routes`. */
const completeRequestBodies = (document: OpenApiDocument, routes: readonly RouteInfo[]): void => {
  const paths = document.paths ?? {};
  for (const route of routes) {
    const operation = paths[documentPath(route.path)]?.[route.method.toLowerCase()];
    const body = route.hooks.body;
    if (!operation?.requestBody || !body || Object.keys(operation.requestBody.content ?? {}).length > 0) continue;
    const type = carriesFiles(body) ? "multipart/form-data" : "application/json";
    operation.requestBody.content = { [type]: { schema: plain(body) } };
    if (operation["x-multipart"]) operation.requestBody.content["multipart/form-data"] = { schema: plain(operation["x-multipart"]) };
    delete operation["x-multipart"];
  }
};

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Elysia's coercing number: `anyOf: [{type: "string", format: "integer"|"numeric"}, {type: "integer"|"number", ...}]`. */
const coercedNumber = (schema: Json): Json | undefined => {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const text = branches.find((branch: Json) => branch.type === "string" && (branch.format === "integer" || branch.format === "numeric"));
  const number = branches.find((branch: Json) => branch.type === "integer" || branch.type === "number");
  return text && number ? (number as Json) : undefined;
};

const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
const SUBSCHEMAS = ["items", "additionalProperties", "not", "contains"] as const;
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs"] as const;

/** Publishes exact types and plain JSON Schema in `schema` and everything under it, in place. */
const normalizeSchema = (schema: Json): void => {
  const number = coercedNumber(schema);
  if (number) {
    delete schema.anyOf;
    // The outer union repeats the options (bounds, description); the numeric branch holds the type.
    for (const [key, value] of Object.entries(number)) schema[key] ??= value;
    schema.type = number.type;
  }
  if (typeof schema.error === "string") delete schema.error;
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(schema[key])) for (const item of schema[key] as unknown[]) if (isObject(item)) normalizeSchema(item);
  for (const key of SUBSCHEMAS) if (isObject(schema[key])) normalizeSchema(schema[key] as Json);
  for (const key of SUBSCHEMA_MAPS) if (isObject(schema[key])) for (const item of Object.values(schema[key] as Json)) if (isObject(item)) normalizeSchema(item);
};

/** An example of `schema`: its own, or one built from its items' and properties' examples; undefined if none can be. */
const exampleFor = (schema: Json): unknown => {
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if ("example" in schema) return schema.example;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.type === "array" && isObject(schema.items)) {
    const item = exampleFor(schema.items);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === "object" && isObject(schema.properties)) {
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    const example: Json = {};
    for (const [name, property] of Object.entries(schema.properties as Record<string, Json>)) {
      const value = exampleFor(property);
      if (value !== undefined) example[name] = value;
      else if (required.has(name)) return undefined;
    }
    return example;
  }
  return undefined;
};

const STATUS_TEXT: Record<string, string> = { "200": "OK", "201": "Created", "204": "No Content", "503": "Service Unavailable" };

/** "OK — a Message", "OK — a list of Channel": a success response said from its status and schema. */
const describeResponse = (status: string, schema: Json | undefined): string => {
  const head = STATUS_TEXT[status] ?? `Status ${status}`;
  if (!schema) return head;
  const items = isObject(schema.items) ? schema.items : undefined;
  const title = typeof schema.title === "string" ? schema.title : undefined;
  if (schema.type === "array" && typeof items?.title === "string") return `${head} — a list of ${items.title}`;
  if (title) return `${head} — the ${title}`;
  return typeof schema.description === "string" ? `${head} — ${schema.description}` : head;
};

const completeMedia = (content: Record<string, MediaType> | undefined): void => {
  for (const media of Object.values(content ?? {})) {
    if (!media.schema) continue;
    normalizeSchema(media.schema);
    if (media.example === undefined) {
      const example = exampleFor(media.schema);
      if (example !== undefined) media.example = example;
    }
  }
};

const completeResponses = (responses: Record<string, Response>): void => {
  for (const [status, response] of Object.entries(responses)) {
    // The plugin writes `{type: "void", description}` as the content of a void response: not a media type map.
    for (const key of Object.keys(response.content ?? {})) if (!key.includes("/")) delete response.content![key];
    if (response.content && Object.keys(response.content).length === 0) delete response.content;
    completeMedia(response.content);
    if (!response.description || response.description.startsWith("Response for status")) {
      response.description = describeResponse(status, Object.values(response.content ?? {})[0]?.schema);
    }
  }
};

const completed = new WeakSet<object>();

/** Completes `document` (the plugin's cached object) in place, once. */
export const completeDocument = (document: unknown, routes: readonly RouteInfo[]): void => {
  if (!isObject(document) || completed.has(document)) return;
  completed.add(document);
  const openapi = document as OpenApiDocument;
  // The plugin hands out the routes' own schema objects, which validation still reads: work on a plain copy.
  openapi.paths = plain(openapi.paths ?? {}) as OpenApiDocument["paths"];
  openapi.components = plain(openapi.components ?? {}) as OpenApiDocument["components"];
  completeRequestBodies(openapi, routes);
  for (const schema of Object.values(openapi.components?.schemas ?? {})) normalizeSchema(schema);
  for (const operation of operationsOf(openapi)) {
    for (const parameter of operation.parameters ?? []) if (parameter.schema) normalizeSchema(parameter.schema);
    completeMedia(operation.requestBody?.content);
    completeResponses(operation.responses ?? {});
  }
};
