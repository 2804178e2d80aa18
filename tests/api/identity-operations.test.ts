import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { identityEnv, registerUser, uniqueUsername } from "../support/identity";
import { MODES, type TestServer, startServer, waitFor } from "../support/server";

/** A fresh client address per call, so buckets shared through Redis never carry over between runs or tests. */
const freshIp = () => `10.${[...randomBytes(3)].join(".")}`;

for (const mode of MODES) {
  describe(`identity rate limits (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { RATE_LIMIT_SCALE: "1", TRUST_PROXY: "true" }));
    });
    afterAll(() => server.stop());

    test("login allows 10 per minute per IP, then 429 with the headers and body of API.md", async () => {
      const ip = freshIp();
      const attempt = () =>
        server.request("/api/v1/auth/login", { method: "POST", json: { login: "nobody_here", password: "wrong password" }, headers: { "x-forwarded-for": ip } });
      for (let remaining = 9; remaining >= 0; remaining--) {
        const response = await attempt();
        expect(response.status).toBe(401);
        expect(response.headers.get("x-ratelimit-limit")).toBe("10");
        expect(response.headers.get("x-ratelimit-remaining")).toBe(String(remaining));
        expect(response.headers.get("x-ratelimit-bucket")).toBe("auth.login");
      }
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(Number(limited.headers.get("x-ratelimit-reset-after"))).toBeGreaterThan(0);
      expect(await limited.json()).toEqual({ code: 0, message: "You are being rate limited.", retry_after: expect.any(Number), global: false });
      const elsewhere = await server.request("/api/v1/auth/login", {
        method: "POST",
        json: { login: "nobody_here", password: "wrong password" },
        headers: { "x-forwarded-for": freshIp() },
      });
      expect(elsewhere.status).toBe(401);
    });

    test("register allows 5 per minute per IP; refresh 30", async () => {
      const ip = freshIp();
      const register = () => {
        const username = uniqueUsername();
        return server.request("/api/v1/auth/register", {
          method: "POST",
          json: { username, email: `${username}@example.test`, password: "long enough password" },
          headers: { "x-forwarded-for": ip },
        });
      };
      for (let i = 0; i < 5; i++) expect((await register()).status).toBe(201);
      expect((await register()).status).toBe(429);
      const refreshes = await Promise.all(
        Array.from({ length: 31 }, () =>
          server.request("/api/v1/auth/refresh", { method: "POST", json: { refresh_token: "x" }, headers: { "x-forwarded-for": ip } }),
        ),
      );
      expect(refreshes.filter((response) => response.status === 401)).toHaveLength(30);
      expect(refreshes.filter((response) => response.status === 429)).toHaveLength(1);
    });

    test("authenticated routes share the global per-user limit of 50 per second", async () => {
      const user = await registerUser(server, { headers: { "x-forwarded-for": freshIp() } });
      // Three seconds' worth at once: some are refused even when a busy machine spreads them over a second or two.
      const responses = await Promise.all(
        Array.from({ length: 150 }, () => server.request("/api/v1/users/@me", { token: user.access_token })),
      );
      const limited = responses.filter((response) => response.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(await limited[0]!.json()).toMatchObject({ code: 0, global: true });
      expect(limited[0]!.headers.get("x-ratelimit-bucket")).toBe("global");
      // Discord's headers for a global refusal.
      expect(limited[0]!.headers.get("x-ratelimit-global")).toBe("true");
      expect(limited[0]!.headers.get("x-ratelimit-scope")).toBe("global");
    });
  });

  describe(`identity events, logs and failures (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { LOG_LEVEL: "debug" }));
    });
    afterAll(() => server.stop());

    test("USER_CREATED reaches the event stream, without email or password", async () => {
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.stream.consume({ group: `test-${randomBytes(6).toString("hex")}`, consumer: "test" }, async (event) => {
        seen.push(event);
      });
      try {
        const user = await registerUser(server);
        const event = await waitFor(() => seen.find((e) => e.type === "USER_CREATED" && (e.data as { user: { id: string } }).user.id === user.user.id), {
          what: "USER_CREATED",
        });
        expect(event.topics).toEqual([`user:${user.user.id}`]);
        const { email: _, mfa_enabled: __, ...publicUser } = user.user;
        expect(event.data).toEqual({ user: publicUser });
        expect(JSON.stringify(event)).not.toContain(user.password);
      } finally {
        await stop();
      }
    });

    test("USER_UPDATED goes to user:<id> with the email", async () => {
      const user = await registerUser(server);
      const messages: string[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`user:${user.user.id}`, (message) => messages.push(message));
      try {
        await server.request("/api/v1/users/@me", { method: "PATCH", token: user.access_token, json: { display_name: "Updated" } });
        const message = await waitFor(() => messages.find((m) => m.includes("USER_UPDATED")), { what: "USER_UPDATED" });
        expect(JSON.parse(message).data.user).toMatchObject({ id: user.user.id, display_name: "Updated", email: user.email });
      } finally {
        await stop();
      }
    });

    test("passwords never appear in a response or a log line", async () => {
      const password = `secret-${randomBytes(8).toString("hex")}`;
      const newPassword = `renewed-${randomBytes(8).toString("hex")}`;
      const wrongPassword = `wrong-${randomBytes(8).toString("hex")}`;
      const user = await registerUser(server, { password });
      const bodies = [JSON.stringify(user.user), user.access_token, user.refresh_token];
      const calls: Array<[string, string, unknown]> = [
        ["POST", "/api/v1/auth/login", { login: user.username, password }],
        ["POST", "/api/v1/auth/login", { login: user.username, password: wrongPassword }],
        ["PATCH", "/api/v1/users/@me", { password: newPassword, current_password: wrongPassword }],
        ["PATCH", "/api/v1/users/@me", { password: newPassword, current_password: password }],
        ["DELETE", "/api/v1/users/@me", { password: wrongPassword }],
        ["POST", "/api/v1/auth/register", { username: "x", email: "y", password: newPassword, extra: password }],
      ];
      for (const [method, path, json] of calls) {
        bodies.push(await (await server.request(path, { method, json, token: user.access_token })).text());
      }
      await waitFor(() => server.logs.filter((line) => line.includes('"route":"/api/v1/')).length >= calls.length, { what: "the log lines" });
      for (const secret of [password, newPassword, wrongPassword]) {
        expect(bodies.join("\n")).not.toContain(secret);
        expect(server.logs.join("\n")).not.toContain(secret);
      }
    });
  });

  describe(`unexpected failures (${mode.name})`, () => {
    const envelopes: string[] = [];
    let sink: ReturnType<typeof Bun.serve>;
    let server: TestServer;
    beforeAll(async () => {
      sink = Bun.serve({
        port: 0,
        hostname: "127.0.0.1",
        async fetch(request) {
          const bytes = new Uint8Array(await request.arrayBuffer());
          envelopes.push(request.headers.get("content-encoding") === "gzip" ? gunzipSync(bytes).toString() : new TextDecoder().decode(bytes));
          return Response.json({});
        },
      });
      server = await startServer(mode, identityEnv(mode, { SENTRY_DSN: `http://publickey@127.0.0.1:${sink.port}/1` }));
    });
    afterAll(async () => {
      await server.stop();
      sink.stop(true);
    });

    test("a broken database gives a bare 500 {code: 0}, logged and sent to Sentry with the request id", async () => {
      await server.app.database.close();
      const response = await server.request("/api/v1/auth/login", { method: "POST", json: { login: "someone", password: "any password" } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ code: 0, message: "Internal Server Error" });
      expect(text).not.toContain(" at ");
      const requestId = response.headers.get("x-request-id")!;
      const logged = await waitFor(() => server.logs.find((line) => line.includes("unexpected error") && line.includes(requestId)), {
        what: "the error log line",
      });
      // pino appends the causes' messages after ": "; Sentry sends each error of the chain on its own.
      const message = (JSON.parse(logged) as { err: { message: string } }).err.message.split("\n")[0]!;
      const envelope = await waitFor(() => envelopes.find((body) => body.includes(requestId)), { what: "the Sentry envelope", timeoutMs: 10_000 });
      expect(envelope).toContain('"request_id"');
      expect(envelope).toContain(JSON.stringify(message).slice(1, -1));
    });
  });
}
