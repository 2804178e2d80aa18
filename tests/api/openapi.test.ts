import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestServer, modeNamed, startServer } from "../support/server";

interface Operation {
  summary?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: { type?: string } }> };
  responses?: Record<string, unknown>;
}

describe("the OpenAPI document covers every route", () => {
  let server: TestServer;
  let operations: Array<[string, Operation]>;
  beforeAll(async () => {
    server = await startServer(modeNamed("embedded"));
    const document = (await (await server.request("/swagger/json")).json()) as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation]),
    );
  });
  afterAll(() => server.stop());

  test("every public route of the app is documented", () => {
    const documented = new Set(operations.map(([name]) => name));
    const routes = server.app.http.routes
      .filter((route) => !(route.hooks as { detail?: { hide?: boolean } }).detail?.hide && route.method !== "WS" && route.method !== "OPTIONS")
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((route) => !documented.has(route))).toEqual([]);
  });

  test("every operation has a summary, a tag and a success response", () => {
    const lacking = operations
      .filter(([, op]) => !op.summary || !op.tags?.length || !Object.keys(op.responses ?? {}).some((status) => status.startsWith("2")))
      .map(([name]) => name);
    expect(lacking).toEqual([]);
  });

  test("every request body has a typed schema", () => {
    const bodies = operations.filter(([, op]) => op.requestBody);
    expect(bodies.length).toBeGreaterThan(15);
    const untyped = bodies
      .filter(([, op]) => {
        const contents = Object.values(op.requestBody?.content ?? {});
        return contents.length === 0 || contents.some((content) => !content.schema?.type);
      })
      .map(([name]) => name);
    expect(untyped).toEqual([]);
  });

  test("authenticated routes document 401", () => {
    const missing = operations
      .filter(([name, op]) => name.includes("/api/v1/users/@me") && !op.responses?.["401"])
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
