/**
 * Throughput: many senders over many channels of one guild, in steps of rising concurrency until the rate of
 * persisted messages stops rising (saturation). Per step: messages/s persisted (201s), messages/s dispatched (as
 * received by `--receivers` online members, who hear every channel) and the p99 from send to delivery. With
 * --profile, XCord's nodes run under Bun's CPU profiler and the run ends with where their time went.
 *
 *   bun run bench throughput [--steps 16,32,64,128,256] [--step-seconds 8] [--channels 20] [--senders 100]
 *                            [--receivers 8] [--processes 2] [--systems xcord,bare,socketio] [--profile]
 */
import { parseArgs } from "node:util";
import { lineChart } from "./support/chart";
import { runHttpLoad } from "./support/http-loads";
import { startLoad } from "./support/load-clients";
import { onCleanup, runBounded } from "./support/processes";
import { cpuProfiling, printProfiles } from "./support/profile";
import { latencySummary, printTable, progress, ratio, writeResult } from "./support/report";
import { createSeeder, newJwtSecret, type SeededUser } from "./support/seed";
import { startServices } from "./support/services";
import { parseSystems, type RunningSystem, SYSTEM_LABELS, type SystemName, startSystems } from "./support/systems";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "16,32,64,128,256" },
    "step-seconds": { type: "string", default: "8" },
    channels: { type: "string", default: "20" },
    senders: { type: "string", default: "100" },
    receivers: { type: "string", default: "8" },
    processes: { type: "string", default: "2" },
    systems: { type: "string", default: "xcord,bare,socketio" },
    profile: { type: "boolean", default: false },
    /** XCord reaches PostgreSQL through PgBouncer in transaction mode (`?pgbouncer=true`); the baselines directly. */
    pgbouncer: { type: "boolean", default: false },
    "limit-seconds": { type: "string", default: "900" },
  },
});
const steps = values.steps.split(",").map(Number);
const stepSeconds = Number(values["step-seconds"]);
const systems = parseSystems(values.systems);
/** A step that adds less than this to the persisted rate means the system is saturated. */
const SATURATION_GAIN = 1.05;
const say = (message: string) => progress("throughput", message);

interface Fixture {
  readonly senders: readonly SeededUser[];
  readonly receivers: readonly SeededUser[];
  readonly channels: readonly string[];
}

/** Runs the steps on one system until saturation. */
const measure = async (system: RunningSystem, fixture: Fixture) => {
  const load = startLoad({ protocol: system.protocol, url: system.wsUrl, tokens: fixture.receivers.map((user) => user.token), count: fixture.receivers.length, samples: true, reportMs: 250 });
  await load.ramped;
  const receivers = load.total("ready");
  const results = [];
  for (const concurrency of steps) {
    say(`${system.name}: ${concurrency} in flight for ${stepSeconds} s`);
    load.takeSamples();
    const cpuBefore = system.cpuSeconds();
    const sends = await runHttpLoad({ mode: "send", base: system.httpUrl, channels: fixture.channels, tokens: fixture.senders.map((user) => user.token), concurrency, seconds: stepSeconds });
    await Bun.sleep(1000);
    const deliveries = load.takeSamples();
    // Persisting a message, dispatching it to every receiver and answering the send, in server CPU.
    const cpuMsPerMessage = ((system.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, sends.ok);
    results.push({
      concurrency,
      persistedPerSecond: sends.perSecond,
      dispatchedPerSecond: Math.round(deliveries.length / Math.max(1, receivers) / stepSeconds),
      sendLatencyMs: sends.latencyMs,
      deliveryMs: latencySummary(deliveries),
      errors: sends.errors,
      cpuMsPerMessage: Math.round(cpuMsPerMessage * 1000) / 1000,
    });
    const previous = results.at(-2);
    if (previous && sends.perSecond < previous.persistedPerSecond * SATURATION_GAIN) break;
  }
  await load.stop();
  const peak = results.reduce((best, step) => (step.persistedPerSecond > best.persistedPerSecond ? step : best));
  return { receivers, steps: results, peak };
};

await runBounded("throughput", Number(values["limit-seconds"]), async () => {
  say("starting PostgreSQL and Redis");
  const services = await startServices({ pgbouncer: values.pgbouncer });
  onCleanup(() => services.stop());
  const jwtSecret = newJwtSecret();
  const processes = Number(values.processes);
  const profiling = cpuProfiling(values.profile);
  const env = services.pgbouncerUrl ? { DATABASE_URL: services.pgbouncerUrl } : undefined;
  const running = await startSystems(systems, { services, jwtSecret, processes, bunArgs: profiling.bunArgs, say, ...(env ? { env } : {}) });
  const seeder = createSeeder(services.databaseUrl, jwtSecret, say);
  onCleanup(() => seeder.close());
  const users = await seeder.users(Number(values.senders) + Number(values.receivers));
  const xcordUrl = running.get("xcord")!.httpUrl;
  const post = async (path: string, body: unknown) =>
    (await (await fetch(`${xcordUrl}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${users[0]!.token}`, "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as any;
  const guild = await post("/guilds", { name: "Throughput" });
  await seeder.join(guild.id, users.slice(1).map((user) => user.id));
  const channels = [guild.channels.find((channel: { name: string }) => channel.name === "general").id as string];
  for (let i = 1; i < Number(values.channels); i++) channels.push((await post(`/guilds/${guild.id}/channels`, { name: `load-${i}` })).id);
  const fixture = { senders: users.slice(0, Number(values.senders)), receivers: users.slice(Number(values.senders)), channels };
  const results: Partial<Record<SystemName, Awaited<ReturnType<typeof measure>>>> = {};
  for (const name of systems) results[name] = await measure(running.get(name)!, fixture);
  if (profiling.enabled) {
    say("stopping XCord to write its CPU profiles");
    await running.get("xcord")!.stop();
  }
  const profile = profiling.summaries();
  process.stderr.write("\n");
  const xcord = results.xcord?.peak;
  const rows = systems.map((name) => {
    const peak = results[name]!.peak;
    return {
      system: SYSTEM_LABELS[name],
      "peak persisted msg/s": peak.persistedPerSecond,
      "dispatched msg/s": peak.dispatchedPerSecond,
      "in flight": peak.concurrency,
      "send p99 ms": peak.sendLatencyMs.p99,
      "delivery p50/p99 ms": `${peak.deliveryMs.p50} / ${peak.deliveryMs.p99}`,
      "server CPU ms/msg": peak.cpuMsPerMessage,
      errors: peak.errors,
      "XCord msg/s ÷ this": xcord ? ratio(xcord.persistedPerSecond, peak.persistedPerSecond) : "",
    };
  });
  printTable(rows);
  printProfiles(profile, 10);
  const chart = lineChart(
    { title: "Throughput: persisted messages/s by requests in flight", xLabel: "requests in flight", yLabel: "messages/s" },
    systems.map((name) => ({ name: SYSTEM_LABELS[name], points: results[name]!.steps.map((step) => [step.concurrency, step.persistedPerSecond] as const) })),
  );
  const parameters = { steps, stepSeconds, channels: channels.length, senders: fixture.senders.length, receivers: fixture.receivers.length, serverProcesses: processes, systems, xcordThroughPgBouncer: values.pgbouncer };
  console.log(`\nwritten ${writeResult("throughput", parameters, { results, profile, table: rows }, { throughput: chart }).join(", ")}`);
});
