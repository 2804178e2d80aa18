/**
 * @elysiajs/openapi leaves `requestBody.content` empty on routes with a function parse hook, and http-core's
 * size-limiting parser is such a hook on every route. This puts each route's own body schema back into the
 * generated document, as JSON, or as multipart for bodies that carry files.
 */
interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly hooks: { readonly body?: unknown };
}

interface Operation {
  requestBody?: { content?: Record<string, unknown>; required?: boolean; description?: string };
}

type OpenApiDocument = { paths?: Record<string, Record<string, Operation | undefined>> };

/** `/channels/:id/messages` → `/channels/{id}/messages`, as the document names paths. */
const documentPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** True when a schema (an object's properties, one level deep) holds a file. */
const carriesFiles = (schema: unknown): boolean => {
  const properties = (schema as { properties?: Record<string, { format?: string; type?: string; items?: { format?: string } }> }).properties;
  return Object.values(properties ?? {}).some((property) => property.format === "binary" || property.items?.format === "binary");
};

/** A plain JSON Schema copy of a TypeBox schema (drops TypeBox's symbol keys). */
const plain = (schema: unknown) => JSON.parse(JSON.stringify(schema)) as unknown;

/** Fills the empty request bodies of `document` from `routes`; idempotent. */
export const completeRequestBodies = (document: unknown, routes: readonly RouteInfo[]): void => {
  const paths = (document as OpenApiDocument).paths ?? {};
  for (const route of routes) {
    const operation = paths[documentPath(route.path)]?.[route.method.toLowerCase()];
    const body = route.hooks.body;
    if (!operation?.requestBody || !body || Object.keys(operation.requestBody.content ?? {}).length > 0) continue;
    const type = carriesFiles(body) ? "multipart/form-data" : "application/json";
    operation.requestBody.content = { [type]: { schema: plain(body) } };
  }
};
