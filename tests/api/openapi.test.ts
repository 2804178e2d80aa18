import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type TestServer, modeNamed, startServer } from "../support/server";

interface Media {
  schema?: Schema;
  example?: unknown;
}

interface Schema {
  type?: string | string[];
  format?: string;
  anyOf?: Schema[];
  [keyword: string]: unknown;
}

interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<{ name: string; in: string; schema: Schema }>;
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
}

interface Document {
  info: { description?: string };
  paths: Record<string, Record<string, Operation>>;
}

/** Every schema object in `value`, however deep. */
const schemasIn = (value: unknown, found: Schema[] = []): Schema[] => {
  if (Array.isArray(value)) for (const item of value) schemasIn(item, found);
  else if (typeof value === "object" && value !== null) {
    found.push(value as Schema);
    for (const item of Object.values(value)) schemasIn(item, found);
  }
  return found;
};

/** A file's bytes have no JSON example: multipart uploads and the signed download. */
const isBinary = (media: Media) => media.schema?.format === "binary" || media.schema?.type === undefined || !!schemasIn(media.schema).some((s) => s.format === "binary");

describe("the OpenAPI document covers every route", () => {
  let server: TestServer;
  let operations: Array<[string, Operation]>;
  let document: Document;
  beforeAll(async () => {
    server = await startServer(modeNamed("embedded"));
    document = (await (await server.request("/swagger/json")).json()) as Document;
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

  test("authenticated routes document 401 40001 and 429", () => {
    const secured = operations.filter(([, op]) => (op.security?.length ?? 0) > 0);
    expect(secured.length).toBeGreaterThan(50);
    const missing = secured
      .filter(([, op]) => !op.responses?.["401"]?.description?.includes("40001") || !op.responses?.["429"])
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });

  test("integers are published as integers: no string-or-integer unions, query limits with their range", () => {
    const coercions = schemasIn(document).filter((schema) => schema.anyOf?.some((branch) => branch.type === "string" && (branch.format === "integer" || branch.format === "numeric")));
    expect(coercions).toEqual([]);
    const register = operations.find(([name]) => name === "POST /api/v1/auth/register")![1];
    const auth = register.responses?.["201"]?.content?.["application/json"]?.schema as { properties: Record<string, Schema> };
    expect(auth.properties.expires_in).toMatchObject({ type: "integer" });
    const error = register.responses?.["400"]?.content?.["application/json"]?.schema as { properties: Record<string, Schema> };
    expect(error.properties.code).toMatchObject({ type: "integer" });
    const history = operations.find(([name]) => name === "GET /api/v1/channels/{id}/messages")![1];
    expect(history.parameters?.find((parameter) => parameter.name === "limit")?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100 });
  });

  test("the nonce's schema says what the server enforces: at most 25 characters", () => {
    const send = operations.find(([name]) => name === "POST /api/v1/channels/{id}/messages")![1];
    const nonce = (send.requestBody?.content?.["application/json"]?.schema as { properties: Record<string, Schema> }).properties.nonce!;
    expect(nonce.anyOf).toEqual([expect.objectContaining({ type: "string", maxLength: 25 }), expect.objectContaining({ type: "integer" })]);
  });

  test("every response is described, and errors list their API codes", () => {
    const vague = operations.flatMap(([name, op]) =>
      Object.entries(op.responses ?? {})
        .filter(([, response]) => !response.description || response.description.startsWith("Response for status"))
        .map(([status]) => `${name} ${status}`),
    );
    expect(vague).toEqual([]);
    const uncoded = operations.flatMap(([name, op]) =>
      Object.entries(op.responses ?? {})
        .filter(([, response]) => response.content?.["application/json"]?.schema?.title === "Error" && !/— \d+ [A-Z]/.test(response.description ?? ""))
        .map(([status]) => `${name} ${status}`),
    );
    expect(uncoded).toEqual([]);
    const send = operations.find(([name]) => name === "POST /api/v1/channels/{id}/messages")![1];
    expect(send.responses?.["403"]?.description).toContain("50013 Missing Permissions: lacks SEND_MESSAGES");
    expect(send.responses?.["403"]?.description).toContain("50001 Missing Access");
    expect(send.responses?.["404"]?.description).toContain("10003 Unknown Channel");
  });

  test("every request body and success response has an example", () => {
    const missing = operations.flatMap(([name, op]) => [
      ...Object.entries(op.requestBody?.content ?? {})
        .filter(([, media]) => !isBinary(media) && media.example === undefined)
        .map(([type]) => `${name} body ${type}`),
      ...Object.entries(op.responses ?? {})
        .filter(([status]) => status.startsWith("2"))
        .flatMap(([status, response]) =>
          Object.entries(response.content ?? {})
            .filter(([, media]) => !isBinary(media) && media.example === undefined)
            .map(([type]) => `${name} ${status} ${type}`),
        ),
    ]);
    expect(missing).toEqual([]);
    const placeholders = operations.filter(([, op]) => JSON.stringify(op.requestBody?.content ?? {}).includes('"example":"string"'));
    expect(placeholders).toEqual([]);
  });

  test("the examples work when executed in order: register, create a guild, send a message", async () => {
    const example = (name: string) => operations.find(([key]) => key === name)![1].requestBody!.content!["application/json"]!.example;
    const registered = await server.request("/api/v1/auth/register", { method: "POST", json: example("POST /api/v1/auth/register") });
    expect(registered.status).toBe(201);
    const token = ((await registered.json()) as { access_token: string }).access_token;
    const guild = await server.request("/api/v1/guilds", { method: "POST", json: example("POST /api/v1/guilds"), token });
    expect(guild.status).toBe(201);
    const channel = ((await guild.json()) as { channels: Array<{ id: string; type: number }> }).channels.find((c) => c.type === 0)!;
    const sent = await server.request(`/api/v1/channels/${channel.id}/messages`, {
      method: "POST",
      json: example("POST /api/v1/channels/{id}/messages"),
      token,
    });
    expect(sent.status).toBe(201);
  });

  test("the introduction links the AsyncAPI document and the repository's docs, which are served", async () => {
    const description = document.info.description ?? "";
    for (const link of ["(/swagger/asyncapi.json)", "(/swagger/docs/rest.md)", "(/swagger/docs/gateway.md)", "(/swagger/docs/voice.md)"]) {
      expect(description).toContain(link);
    }
    const voice = await server.request("/swagger/docs/voice.md");
    expect({ status: voice.status, type: voice.headers.get("content-type") }).toEqual({ status: 200, type: "text/markdown; charset=utf-8" });
    expect((await server.request("/swagger/docs/..%2Fpackage.json")).status).toBe(404);
  });
});
