/**
 * `bun run bench <scenario> [args...]`: runs `bench/<scenario>.ts` in its own process and exits with its code.
 * Each scenario prints a progress line while it runs and a table at the end, writes JSON (and SVG charts) to
 * `bench/results/<scenario>-<timestamp>.*`, is bounded in time (`--limit-seconds`), and stops every process it
 * started, also on Ctrl-C. Any `bench/<name>.ts` is a scenario: `voice` arrives as `bench/voice.ts`, built on the
 * same support (bench/support/processes.ts for bounded runs and cleanup, report.ts, chart.ts, systems.ts).
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

const [scenario, ...args] = process.argv.slice(2);
if (!scenario || !scenarios.includes(scenario)) {
  if (scenario) console.error(`unknown benchmark scenario "${scenario}"`);
  const lines = [...new Set([...scenarios, ...Object.keys(DESCRIPTIONS)])].map(
    (name) => `  ${name.padEnd(12)} ${DESCRIPTIONS[name] ?? ""}${scenarios.includes(name) ? "" : " [missing]"}`,
  );
  console.error(`usage: bun run bench <scenario> [args...]\n${lines.join("\n")}`);
  process.exit(2);
}

const child = Bun.spawn([process.execPath, "run", join(BENCH_DIR, `${scenario}.ts`), ...args], {
  stdio: ["inherit", "inherit", "inherit"],
});
process.on("SIGINT", () => child.kill("SIGINT"));
process.on("SIGTERM", () => child.kill("SIGTERM"));
process.exit(await child.exited);
