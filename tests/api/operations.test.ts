import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { MODES, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`operations (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode);
    });
    afterAll(() => server.stop());

    test("/health answers ok", async () => {
      const response = await server.request("/health");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "ok" });
    });

    test("/ready reports each dependency", async () => {
      const response = await server.request("/ready");
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
      expect(body.status).toBe("ready");
      expect(body.checks.database?.status).toBe("up");
      expect(body.checks.redis?.status).toBe(mode.name === "embedded" ? "memory" : "up");
      expect(body.checks.sfu).toBeDefined();
    });

    test("/metrics exposes Prometheus text with request counts by route", async () => {
      await server.request("/health");
      const text = await waitFor(
        async () => {
          const body = await (await server.request("/metrics")).text();
          return body.includes('route="/health"') && body;
        },
        { what: "the /health request in metrics" },
      );
      expect(text).toContain("xcord_http_requests_total");
      expect(text).toContain("xcord_http_request_duration_seconds_bucket");
      expect(text).toContain("xcord_gateway_sessions");
      expect(text).toContain("xcord_outbox_relay_lag_seconds");
    });

    test("every response carries a request id, echoing the client's", async () => {
      const generated = await server.request("/health");
      expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await server.request("/health", { headers: { "x-request-id": "client-abc.123" } });
      expect(echoed.headers.get("x-request-id")).toBe("client-abc.123");
      const refused = await server.request("/health", { headers: { "x-request-id": "bad id\twith spaces" } });
      expect(refused.headers.get("x-request-id")).not.toBe("bad id\twith spaces");
    });

    test("unknown routes answer 404 JSON with a request id", async () => {
      const response = await server.request("/api/v1/nowhere");
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toContain("application/json");
      expect(response.headers.get("x-request-id")).toBeTruthy();
      expect(await response.json()).toEqual({ code: 0, message: "404: Not Found" });
    });

    test("security headers are set", async () => {
      const response = await server.request("/health");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    });

    test("CORS preflight allows the API headers and exposes the rate-limit ones", async () => {
      const response = await server.request("/api/v1/users/@me", {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
      });
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
      expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
      const simple = await server.request("/health", { headers: { origin: "https://app.example" } });
      expect(simple.headers.get("access-control-expose-headers")?.toLowerCase()).toContain("x-ratelimit-remaining");
    });

    test("the OpenAPI document is 3.1 and lists the operational routes with summaries", async () => {
      const response = await server.request("/swagger/json");
      expect(response.status).toBe(200);
      const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { summary?: string }>> };
      expect(document.openapi).toStartWith("3.1");
      expect(document.paths["/health"]?.get?.summary).toBeTruthy();
      expect(document.paths["/ready"]?.get?.summary).toBeTruthy();
      expect(document.paths["/swagger/assets/{file}"]).toBeUndefined();
    });

    test("the Swagger UI page loads only local assets", async () => {
      const html = await (await server.request("/swagger")).text();
      expect(html).toContain("/swagger/assets/swagger-ui-bundle.js");
      expect(html).not.toMatch(/https?:\/\/(?!localhost)[a-z0-9.-]+\.[a-z]{2,}\/[^"']*\.(js|css)/i);
      const bundle = await server.request("/swagger/assets/swagger-ui-bundle.js");
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get("content-type")).toContain("javascript");
      expect((await server.request("/swagger/assets/..%2Fpackage.json")).status).toBe(404);
    });
  });
}

describe("readiness follows Redis (postgres+redis)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(modeNamed("postgres+redis"));
  });
  afterAll(async () => {
    await startRedis();
    await server.stop();
  });

  test("/ready goes 503 while Redis is stopped and 200 again after it restarts", async () => {
    expect(redisControlAvailable()).toBe(true);
    expect((await server.request("/ready")).status).toBe(200);
    await stopRedis();
    const down = await waitFor(
      async () => {
        const response = await server.request("/ready");
        return response.status === 503 && ((await response.json()) as { checks: { redis: { status: string } } });
      },
      { what: "/ready to report Redis down" },
    );
    expect(down.checks.redis.status).toBe("down");
    expect((await server.request("/health")).status).toBe(200);
    await startRedis();
    await waitFor(async () => (await server.request("/ready")).status === 200, { timeoutMs: 15_000, what: "/ready to recover" });
  });
});
