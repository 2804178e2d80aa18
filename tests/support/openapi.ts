import type { TestServer } from "./server";

/** The subset of JSON Schema (as Elysia/TypeBox writes it into the OpenAPI document) that the tests read. */
export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  nullable?: boolean;
}

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header" | "cookie";
  readonly required?: boolean;
  readonly schema: JsonSchema;
}

/** One documented operation: `GET /api/v1/guilds/{id}` and what it takes. */
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly body?: { readonly contentType: string; readonly schema: JsonSchema };
  /** The document says it needs a bearer token. */
  readonly secured: boolean;
}

/** `METHOD /path` as the OpenAPI document spells it, e.g. `GET /api/v1/guilds/{id}`. */
export const operationKey = (operation: Pick<Operation, "method" | "path">): string => `${operation.method} ${operation.path}`;

/** Every operation of the server's OpenAPI document (/swagger/json). */
export const loadOperations = async (server: TestServer): Promise<Operation[]> => {
  const response = await server.request("/swagger/json");
  if (response.status !== 200) throw new Error(`GET /swagger/json: ${response.status}`);
  type RawOperation = {
    parameters?: Parameter[];
    requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
    security?: unknown[];
  };
  const document = (await response.json()) as { paths: Record<string, Record<string, RawOperation>> };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, raw]): Operation => {
      const [contentType, content] = Object.entries(raw.requestBody?.content ?? {})[0] ?? [];
      return {
        method: method.toUpperCase(),
        path,
        parameters: raw.parameters ?? [],
        ...(contentType ? { body: { contentType, schema: content?.schema ?? {} } } : {}),
        secured: (raw.security?.length ?? 0) > 0,
      };
    }),
  );
};
