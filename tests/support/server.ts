import { Writable } from "node:stream";
import { type App, createApp } from "../../src/app";
import { loadConfig } from "../../src/shared/infrastructure/config";
import type { Clock } from "../../src/shared/kernel/clock";

/** The two ways XCord runs: embedded (PGlite + memory twins) and production (Postgres + Redis). */
export interface Mode {
  readonly name: "embedded" | "postgres+redis";
  readonly env: Record<string, string>;
}

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite with \`bun run test\`, which starts PostgreSQL and Redis`);
  return value;
};

export const MODES: readonly Mode[] = [
  { name: "embedded", env: { DATA_DIR: "memory://" } },
  {
    name: "postgres+redis",
    get env() {
      return { DATABASE_URL: requireEnv("DATABASE_URL"), REDIS_URL: requireEnv("REDIS_URL") };
    },
  },
];

export const modeNamed = (name: Mode["name"]): Mode => MODES.find((mode) => mode.name === name)!;

/** A started XCord node reached over HTTP, with its log lines captured for assertions. */
export interface TestServer {
  readonly url: string;
  readonly app: App;
  readonly logs: string[];
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/** Starts a node for `mode` with test-friendly config; `env` overrides any variable; `clock` replaces the system clock. */
export const startServer = async (mode: Mode, env: Record<string, string> = {}, options: { clock?: Clock } = {}): Promise<TestServer> => {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  // DATA_DIR in memory: test servers never write keys or files into the working tree. One media worker per
  // server keeps the many servers of a run light; a test needing more passes MEDIASOUP_WORKERS in `env`.
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", DATA_DIR: "memory://", MEDIASOUP_WORKERS: "1", ...mode.env, ...env });
  const app = await createApp({ config, logDestination: destination, clock: options.clock });
  const url = app.listen();
  return {
    url,
    app,
    logs,
    request(path, init = {}) {
      const { json, token, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (json !== undefined) allHeaders.set("content-type", "application/json");
      if (token) allHeaders.set("authorization", `Bearer ${token}`);
      return fetch(url + path, { ...rest, headers: allHeaders, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    stop: () => app.stop(),
  };
};

/** Polls `condition` until it holds or `timeoutMs` passes; for waiting on an observable state, never a fixed sleep. */
export const waitFor = async <T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 5000, intervalMs = 20, what = "condition" } = {},
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(intervalMs);
  }
};
