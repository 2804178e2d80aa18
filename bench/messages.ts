/**
 * Message benchmark: a node in its own process, on the Postgres and Redis named by DATABASE_URL and REDIS_URL, on
 * throwaway ones started here with --postgres, or else embedded (PGlite, memory adapters). It seeds one user, a
 * guild and a channel of `--seed` messages, then measures for `--seconds` each, with `--concurrency` requests in
 * flight: warm history reads of the newest page (`limit=50`), history reads at random depths (`before=<random id>`),
 * and sends spread over `--channels` channels. The load runs in this process, so on 2 cores it competes with the
 * node (and the database) for CPU: figures are a floor, not a ceiling.
 *
 * With --workers N (Postgres and Redis only) the node runs in cluster mode: N processes sharing the port.
 *
 *   bun run bench messages [--postgres] [--workers 1] [--seconds 10] [--concurrency 32] [--seed 10000] [--channels 8]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { freePort } from "../scripts/support/proc";
import { type BenchNode, startNode } from "./support/node";
import { latencySummary, printTable, progress, writeResult } from "./support/report";
import { type Services, startServices } from "./support/services";

const { values } = parseArgs({
  options: {
    postgres: { type: "boolean", default: false },
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    seed: { type: "string", default: "10000" },
    channels: { type: "string", default: "8" },
    workers: { type: "string", default: "1" },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const seedCount = Number(values.seed);
const channelCount = Math.max(1, Number(values.channels));
const workers = Math.max(1, Number(values.workers));
const say = (message: string) => progress("messages", message);

/** Runs `request` from `concurrency` workers for `durationMs` (or `count` requests); latency of each success. */
const load = async (request: (i: number) => Promise<boolean>, options: { durationMs?: number; count?: number }) => {
  const samples: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  const deadline = started + (options.durationMs ?? Number.POSITIVE_INFINITY);
  const worker = async () => {
    while (performance.now() < deadline && (options.count === undefined || issued < options.count)) {
      const i = issued++;
      const begin = performance.now();
      if (await request(i).catch(() => false)) samples.push(performance.now() - begin);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  return { requests: samples.length, errors, perSecond: Math.round(samples.length / elapsed), latencyMs: latencySummary(samples) };
};

let services: Services | undefined;
let node: BenchNode | undefined;
const cleanup = async () => {
  await node?.stop();
  await services?.stop();
};
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));
process.on("SIGTERM", () => void cleanup().then(() => process.exit(143)));

try {
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;
  if (values.postgres && !(databaseUrl && redisUrl)) {
    say("starting throwaway PostgreSQL and Redis");
    services = await startServices();
    databaseUrl = services.databaseUrl;
    redisUrl = services.redisUrl;
  }
  const mode = databaseUrl && redisUrl ? "postgres+redis" : "embedded";
  if (workers > 1 && mode === "embedded") throw new Error("--workers needs Postgres and Redis (--postgres, or DATABASE_URL and REDIS_URL)");
  say(`starting a node (${mode})`);
  node = await startNode(await freePort(), {
    DATA_DIR: "memory://",
    RATE_LIMIT_SCALE: "1000000",
    WORKERS: String(workers),
    // Every worker must verify the others' tokens; in memory each would make its own keys.
    JWT_SECRET: randomBytes(32).toString("base64url"),
    DATABASE_URL: mode === "embedded" ? undefined : databaseUrl,
    REDIS_URL: mode === "embedded" ? undefined : redisUrl,
  });
  const base = `${node.url}/api/v1`;
  const username = `bench_${Date.now().toString(36)}`;
  const registered = await fetch(`${base}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, email: `${username}@bench.test`, password: "benchmark password" }),
  });
  const { access_token: token } = (await registered.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  const guild = (await (await post("/guilds", { name: "Bench" })).json()) as { id: string; channels: Array<{ id: string; name: string }> };
  const channel = guild.channels.find((c) => c.name === "general")!.id;
  const sendChannels = [channel];
  for (let i = 1; i < channelCount; i++) sendChannels.push(((await (await post(`/guilds/${guild.id}/channels`, { name: `send-${i}` })).json()) as { id: string }).id);

  const ids: string[] = [];
  const seeding = await load(
    async (i) => {
      if (i % 500 === 0) say(`seeding ${i}/${seedCount} messages`);
      const response = await post(`/channels/${channel}/messages`, { content: `seed message ${i} with a few words to index` });
      if (response.status !== 201) return false;
      ids.push(((await response.json()) as { id: string }).id);
      return true;
    },
    { count: seedCount },
  );
  const get = async (path: string) => {
    const response = await fetch(`${base}${path}`, { headers });
    await response.arrayBuffer();
    return response.status === 200;
  };
  say("warming up");
  await load(() => get(`/channels/${channel}/messages?limit=50`), { durationMs: 2000 });
  say(`GET newest page for ${seconds} s`);
  const newest = await load(() => get(`/channels/${channel}/messages?limit=50`), { durationMs: seconds * 1000 });
  say(`GET random-depth pages for ${seconds} s`);
  const deep = await load(() => get(`/channels/${channel}/messages?limit=50&before=${ids[Math.floor(Math.random() * ids.length)]}`), {
    durationMs: seconds * 1000,
  });
  say(`POST messages over ${channelCount} channels for ${seconds} s`);
  const sends = await load(
    async (i) => {
      const response = await post(`/channels/${sendChannels[i % sendChannels.length]}/messages`, { content: `bench send ${i}` });
      await response.arrayBuffer();
      return response.status === 201;
    },
    { durationMs: seconds * 1000 },
  );
  process.stderr.write("\n");
  const row = (name: string, figures: Awaited<ReturnType<typeof load>>) => ({
    scenario: name,
    "req/s": figures.perSecond,
    p50: figures.latencyMs.p50,
    p95: figures.latencyMs.p95,
    p99: figures.latencyMs.p99,
    errors: figures.errors,
  });
  console.log(`mode ${mode}, ${workers} node process(es), concurrency ${concurrency}, ${seedCount} seeded messages, latencies in ms`);
  printTable([
    row("seed sends (1 channel)", seeding),
    row("GET history limit=50 (newest)", newest),
    row("GET history limit=50 (random before)", deep),
    row(`POST message (${channelCount} channels)`, sends),
  ]);
  const file = writeResult(
    "messages",
    { mode, workers, seconds, concurrency, seed: seedCount, channels: channelCount, nodeRssBytes: await node.rss() },
    { seeding, historyNewest: newest, historyRandomDepth: deep, sends },
  );
  console.log(`results: ${file}`);
} finally {
  await cleanup();
}
