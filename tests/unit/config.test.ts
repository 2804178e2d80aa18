import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { loadConfig } from "../../src/shared/infrastructure/config";
import { problemsOf } from "../support/config";

describe("configuration", () => {
  test("defaults describe the zero-setup mode", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir).toBe("./data");
    expect(config.rateLimitScale).toBe(1);
    expect(config.migrateOnStart).toBe(true);
    expect([...config.roles].sort()).toEqual(["api", "gateway", "voice", "worker"]);
  });

  test("reads every documented variable", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "127.0.0.1",
      PUBLIC_URL: "https://chat.example.org",
      DATABASE_URL: "postgres://u:p@db/xcord",
      REDIS_URL: "redis://cache:6379",
      NODE_ID: "7",
      XCORD_ROLES: "api,gateway",
      LOG_LEVEL: "debug",
      RATE_LIMIT_SCALE: "2.5",
      MIGRATE_ON_START: "false",
    });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe("https://chat.example.org");
    expect(config.nodeId).toBe(7);
    expect([...config.roles]).toEqual(["api", "gateway"]);
    expect(config.rateLimitScale).toBe(2.5);
    expect(config.migrateOnStart).toBe(false);
  });

  test("reports every bad variable at once, one line each, naming it and what is expected", () => {
    const problems = problemsOf({
      PORT: "eighty",
      NODE_ID: "1024",
      DATABASE_URL: "mysql://root:hunter2@db/x",
      LOG_LEVEL: "loud",
      XCORD_ROLES: "api,chef",
      MIGRATE_ON_START: "perhaps",
      JWT_SECRET: "short",
    });
    expect(problems).toHaveLength(7);
    expect(problems[0]).toStartWith("PORT: expected an integer from 0 to 65535");
    expect(problems.some((p) => p.startsWith("NODE_ID: expected an integer from 0 to 1023"))).toBe(true);
    expect(problems.some((p) => p.startsWith("LOG_LEVEL: expected one of"))).toBe(true);
    expect(problems.some((p) => p.startsWith("XCORD_ROLES:"))).toBe(true);
    expect(problems.some((p) => p.startsWith("MIGRATE_ON_START: expected true or false"))).toBe(true);
    expect(problems.some((p) => p.startsWith("JWT_SECRET: expected at least 32 characters"))).toBe(true);
    // A database URL may carry a password: the message names the variable, never the value.
    expect(problems.find((p) => p.startsWith("DATABASE_URL"))).not.toContain("hunter2");
  });

  test("tracing is off without an OTLP endpoint, and reads the standard OTEL_* variables when one is set", () => {
    expect(loadConfig({}).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_SERVICE_NAME: "chat" }).tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracing).toEqual({
      tracesUrl: "http://collector:4318/v1/traces",
      headers: {},
      serviceName: "xcord",
      sampleRatio: 1,
      exportDelayMs: 5_000,
    });
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://ignored:4318",
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example.org/otlp/traces",
      OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20abc, x-tenant=chat",
      OTEL_SERVICE_NAME: "xcord-eu",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_BSP_SCHEDULE_DELAY: "1000",
    }).tracing;
    expect(tracing).toEqual({
      tracesUrl: "https://collector.example.org/otlp/traces",
      headers: { authorization: "Bearer abc", "x-tenant": "chat" },
      serviceName: "xcord-eu",
      sampleRatio: 0.25,
      exportDelayMs: 1000,
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing).toBeUndefined();
  });

  test("bad tracing settings are reported without echoing a header's value", () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: "grpc://collector:4317",
      OTEL_EXPORTER_OTLP_HEADERS: "authorization",
      OTEL_TRACES_SAMPLER_ARG: "2",
    });
    expect(problems).toEqual([
      expect.stringContaining("OTEL_EXPORTER_OTLP_ENDPOINT: expected a URL starting with http:// or https://"),
      expect.stringContaining("OTEL_EXPORTER_OTLP_HEADERS: expected comma-separated key=value pairs"),
      expect.stringContaining("OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1"),
    ]);
    expect(problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: "x-key=%E0%A4%A" }).join("\n")).not.toContain("%E0");
  });

  test("cluster mode needs shared stores and room for every worker's node id", () => {
    expect(problemsOf({ WORKERS: "4" })).toEqual([expect.stringContaining("WORKERS: more than one worker needs DATABASE_URL and REDIS_URL")]);
    const shared = { DATABASE_URL: "postgres://db/x", REDIS_URL: "redis://cache" };
    expect(problemsOf({ ...shared, WORKERS: "4", NODE_ID: "1021" })).toEqual([expect.stringContaining("NODE_ID + WORKERS - 1")]);
    expect(loadConfig({ ...shared, XCORD_WORKERS: "3" }).workers).toBe(3);
    expect(loadConfig({}).workers).toBe(1);
  });

  test("the process exits with status 1 and prints one line per problem", async () => {
    const child = Bun.spawn(["bun", "run", resolve(import.meta.dir, "../../src/main.ts")], {
      env: { PATH: process.env.PATH ?? "", PORT: "-1", RATE_LIMIT_SCALE: "zero" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
    expect(code).toBe(1);
    const lines = stderr.trim().split("\n");
    expect(lines).toEqual([
      expect.stringContaining("PORT: expected an integer"),
      expect.stringContaining("RATE_LIMIT_SCALE: expected a number"),
    ]);
  });
});
