/**
 * Identity benchmark against a local zero-setup node (PGlite in memory, memory twins) in its own process:
 * login latency (argon2id verify + session insert + JWT) and authenticated GET /users/@me throughput
 * (JWT verify + revocation check + global rate limit + one row read) under bounded concurrency, next to
 * GET /health as the node's baseline. The client runs in this process, so on 2 cores it takes one of them.
 *
 *   bun run bench auth [--logins 30] [--seconds 5] [--concurrency 32]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ARGON2ID } from "../src/shared/infrastructure/bun-password-hasher";
import { freePort } from "../scripts/support/proc";

const { values } = parseArgs({
  options: { logins: { type: "string", default: "30" }, seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "32" } },
});
const logins = Number(values.logins);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const ROOT = resolve(import.meta.dir, "..");

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const summarize = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) };
};
const progress = (message: string) => process.stderr.write(`[bench auth] ${message}\n`);

const startNode = async () => {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: "memory://",
    LOG_LEVEL: "warn",
    RATE_LIMIT_SCALE: "1000000",
    DATABASE_URL: undefined,
    REDIS_URL: undefined,
  };
  const node = Bun.spawn([process.execPath, "run", join(ROOT, "src/main.ts")], { env, stdout: "inherit", stderr: "inherit" });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if ((await fetch(`${url}/ready`).catch(() => undefined))?.ok) return { node, url };
    if (tries > 300 || node.exitCode !== null) throw new Error("the node did not become ready");
    await Bun.sleep(50);
  }
};

const json = (body: unknown, token?: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

const measureLogins = async (url: string, credentials: { login: string; password: string }) => {
  const samples: number[] = [];
  for (let i = 0; i < logins; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/auth/login`, json(credentials));
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`login answered ${response.status}`);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
};

/** Requests/s of `path` for `seconds` with `concurrency` requests in flight. */
const measureThroughput = async (url: string, path: string, token?: string) => {
  const samples: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      await response.arrayBuffer();
      if (response.status === 200) samples.push(performance.now() - started);
      else errors++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { requests: samples.length, errors, requestsPerSecond: Math.round(samples.length / elapsed), latencyMs: summarize(samples) };
};

const { node, url } = await startNode();
try {
  progress(`node ready at ${url}; registering a user`);
  const username = `bench_${Date.now().toString(36)}`;
  const password = "benchmark password";
  const registered = await fetch(`${url}/api/v1/auth/register`, json({ username, email: `${username}@bench.test`, password }));
  const { access_token: token } = (await registered.json()) as { access_token: string };
  progress(`${logins} sequential logins`);
  const login = await measureLogins(url, { login: username, password });
  progress(`GET /health (baseline: no auth, no database) for ${seconds} s at concurrency ${concurrency}`);
  const health = await measureThroughput(url, "/health");
  progress(`GET /api/v1/users/@me for ${seconds} s at concurrency ${concurrency}`);
  const me = await measureThroughput(url, "/api/v1/users/@me", token);

  const result = {
    scenario: "auth",
    at: new Date().toISOString(),
    machine: { cpus: availableParallelism(), bun: Bun.version, platform: process.platform },
    argon2id: { memoryKiB: ARGON2ID.memoryCost, iterations: ARGON2ID.timeCost, parallelism: 1 },
    login: { count: logins, latencyMs: login },
    me: { seconds, concurrency, ...me },
    healthBaseline: { seconds, concurrency, ...health },
  };
  console.table({
    "login (ms)": { p50: login.p50, p95: login.p95, p99: login.p99, mean: login.mean, "req/s": "" },
    "GET /users/@me (ms)": { ...me.latencyMs, "req/s": me.requestsPerSecond },
    "GET /health baseline (ms)": { ...health.latencyMs, "req/s": health.requestsPerSecond },
  });
  if (me.errors > 0) console.log(`${me.errors} non-200 answers during the throughput run`);
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `auth-${result.at.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${file}`);
} finally {
  node.kill("SIGTERM");
  await node.exited;
}
