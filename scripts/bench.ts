/**
 * `bun run bench <scenario> [args...]`: runs `bench/<scenario>.ts` in its own process and exits with its code.
 * Each scenario prints a progress line while it runs and a table at the end, writes JSON (and SVG charts) to
 * `bench/results/<scenario>-<timestamp>.*`, is bounded in time (`--limit-seconds`), and stops every process it
 * started, also on Ctrl-C. Any `bench/<name>.ts` is a scenario: `voice` arrives as `bench/voice.ts`, built on the
 * same support (bench/support/processes.ts for bounded runs and cleanup, report.ts, chart.ts, systems.ts).
 *
 * `--tracing` (before or among the scenario's arguments) runs it with OpenTelemetry on in every XCord node: their spans
 * are exported (OTLP/HTTP, every 1 s) to a receiver in this process that counts and drops them, as a collector on the
 * same machine would take them; the count is printed at the end. Compare with the same scenario without it.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const BENCH_DIR = resolve(import.meta.dir, "../bench");
/** What each scenario measures, for the usage text; a scenario file not listed here still runs. */
const DESCRIPTIONS: Record<string, string> = {
  connections: "ramp authenticated sessions to N across processes sharing the port; hold them with heartbeats",
  fanout: "send → last member latency in guilds of 100, 1,000 and 10,000 online members",
  throughput: "messages/s persisted and dispatched until saturation, with a CPU profile",
  sustained: "open-loop sends at a fixed rate into a guild of N online members: send → last member latency, backlog",
  history: "warm history reads (limit=50) per second",
  voice: "audio consumers one mediasoup worker forwards with packet loss under 1%",
  messages: "history reads and sends from one in-process load generator (embedded or Postgres)",
  permissions: "cost of the permission check on the message hot path",
  auth: "login latency and authenticated requests per second",
};
const scenarios = readdirSync(BENCH_DIR)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3))
  .sort();

const given = process.argv.slice(2);
const tracing = given.includes("--tracing");
const [scenario, ...args] = given.filter((arg) => arg !== "--tracing");
if (!scenario || !scenarios.includes(scenario)) {
  if (scenario) console.error(`unknown benchmark scenario "${scenario}"`);
  const lines = [...new Set([...scenarios, ...Object.keys(DESCRIPTIONS)])].map(
    (name) => `  ${name.padEnd(12)} ${DESCRIPTIONS[name] ?? ""}${scenarios.includes(name) ? "" : " [missing]"}`,
  );
  console.error(`usage: bun run bench <scenario> [args...]\n${lines.join("\n")}`);
  process.exit(2);
}

/** Counts the spans of each OTLP/HTTP JSON export it is sent, and keeps nothing else. */
const startSpanSink = () => {
  let spans = 0;
  let exports = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const body = (await request.json().catch(() => ({}))) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: unknown[] }> }> };
      exports++;
      for (const resource of body.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
      return Response.json({});
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, report: () => `tracing: ${spans.toLocaleString("en")} spans received in ${exports} exports`, stop: () => server.stop(true) };
};

const sink = tracing ? startSpanSink() : undefined;
const child = Bun.spawn([process.execPath, "run", join(BENCH_DIR, `${scenario}.ts`), ...args], {
  stdio: ["inherit", "inherit", "inherit"],
  env: sink ? { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_BSP_SCHEDULE_DELAY: "1000" } : process.env,
});
process.on("SIGINT", () => child.kill("SIGINT"));
process.on("SIGTERM", () => child.kill("SIGTERM"));
const code = await child.exited;
if (sink) {
  console.log(sink.report());
  sink.stop();
}
process.exit(code);
