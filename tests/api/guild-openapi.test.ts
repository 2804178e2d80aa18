import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { MODES, type TestServer, startServer } from "../support/server";

describe("OpenAPI document", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODES[0]!);
  });
  afterAll(() => server.stop());

  const ROUTES: Array<[string, string, { body?: boolean; public?: boolean; status: number }]> = [
    ["post", "/guilds", { body: true, status: 201 }],
    ["get", "/guilds/{id}", { status: 200 }],
    ["patch", "/guilds/{id}", { body: true, status: 200 }],
    ["delete", "/guilds/{id}", { status: 204 }],
    ["get", "/users/@me/guilds", { status: 200 }],
    ["delete", "/users/@me/guilds/{id}", { status: 204 }],
    ["get", "/guilds/{id}/members", { status: 200 }],
    ["get", "/guilds/{id}/members/{user_id}", { status: 200 }],
    ["patch", "/guilds/{id}/members/{user_id}", { body: true, status: 200 }],
    ["delete", "/guilds/{id}/members/{user_id}", { status: 204 }],
    ["put", "/guilds/{id}/members/{user_id}/roles/{role_id}", { status: 204 }],
    ["delete", "/guilds/{id}/members/{user_id}/roles/{role_id}", { status: 204 }],
    ["get", "/guilds/{id}/roles", { status: 200 }],
    ["post", "/guilds/{id}/roles", { body: true, status: 201 }],
    ["patch", "/guilds/{id}/roles", { body: true, status: 200 }],
    ["patch", "/guilds/{id}/roles/{role_id}", { body: true, status: 200 }],
    ["delete", "/guilds/{id}/roles/{role_id}", { status: 204 }],
    ["get", "/guilds/{id}/bans", { status: 200 }],
    ["put", "/guilds/{id}/bans/{user_id}", { body: true, status: 204 }],
    ["delete", "/guilds/{id}/bans/{user_id}", { status: 204 }],
    ["post", "/channels/{id}/invites", { body: true, status: 201 }],
    ["get", "/invites/{code}", { public: true, status: 200 }],
    ["post", "/invites/{code}", { status: 200 }],
    ["delete", "/invites/{code}", { status: 204 }],
    ["get", "/guilds/{id}/invites", { status: 200 }],
    ["get", "/guilds/{id}/channels", { status: 200 }],
    ["post", "/guilds/{id}/channels", { body: true, status: 201 }],
    ["patch", "/guilds/{id}/channels", { body: true, status: 204 }],
    ["get", "/channels/{id}", { status: 200 }],
    ["patch", "/channels/{id}", { body: true, status: 200 }],
    ["delete", "/channels/{id}", { status: 200 }],
    ["put", "/channels/{id}/permissions/{overwrite_id}", { body: true, status: 204 }],
    ["delete", "/channels/{id}/permissions/{overwrite_id}", { status: 204 }],
    ["get", "/users/@me/channels", { status: 200 }],
    ["post", "/users/@me/channels", { body: true, status: 200 }],
  ];

  test("documents every guild and channel route: summary, tag, security, parameters, body and response schemas", async () => {
    const doc = (await (await fetch(`${server.url}/swagger/json`)).json()) as {
      paths: Record<string, Record<string, Record<string, unknown> & { responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
    };
    for (const [method, path, expected] of ROUTES) {
      const operation = doc.paths[`/api/v1${path}`]?.[method];
      expect({ route: `${method} ${path}`, documented: operation !== undefined }).toEqual({ route: `${method} ${path}`, documented: true });
      const op = operation!;
      expect(op.summary).toEqual(expect.any(String));
      expect(op.tags).toEqual([expect.stringMatching(/^(Guilds|Channels)$/)]);
      if (!expected.public) expect(op.security).toEqual([{ bearer: [] }, { bot: [] }]);
      const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
      const parameters = (op.parameters as Array<{ name: string; in: string }> | undefined) ?? [];
      expect(parameters.filter((p) => p.in === "path").map((p) => p.name)).toEqual(pathParams);
      if (expected.body) expect(op.requestBody).toMatchObject({ required: true });
      else expect(op.requestBody).toBeUndefined();
      const success = op.responses[String(expected.status)];
      expect({ route: `${method} ${path}`, success: success !== undefined }).toEqual({ route: `${method} ${path}`, success: true });
      if (expected.status !== 204) expect(success!.content?.["application/json"]?.schema).toBeDefined();
      // Each route lists the errors it can really give: a route on an id can miss it (404); a signed-in one can also be
      // refused (403), be rate limited (429) and lack a token (401).
      const onId = pathParams.length > 0;
      const statuses = ["400", "500", ...(onId ? ["404"] : []), ...(expected.public ? [] : ["401", "429", ...(onId ? ["403"] : [])])];
      for (const status of statuses) {
        expect({ route: `${method} ${path}`, status, present: op.responses[status] !== undefined }).toEqual({ route: `${method} ${path}`, status, present: true });
      }
    }
  });
});
