/**
 * Connections: ramp authenticated sessions to N on server processes sharing one port (each under the 20,000 open
 * files a process may hold here), with client load spread over several Node processes and loopback source
 * addresses, then hold them with heartbeats. Reports the time to connect, sessions held, RSS per process and per
 * session, and whether every session was still open at the end of the hold; the baselines do the same.
 *
 *   bun run bench connections [--sessions 10000] [--hold 120] [--baseline-hold 30] [--systems xcord,bare,socketio]
 *                             [--profile]
 */
import { parseArgs } from "node:util";
import { lineChart, type Series } from "./support/chart";
import { startLoad } from "./support/load-clients";
import { onCleanup, runBounded } from "./support/processes";
import { cpuProfiling, printProfiles } from "./support/profile";
import { latencySummary, printTable, progress, ratio, writeResult } from "./support/report";
import { createSeeder, newJwtSecret } from "./support/seed";
import { startServices } from "./support/services";
import { parseSystems, SYSTEM_LABELS, type SystemName, startSystem } from "./support/systems";

const { values } = parseArgs({
  options: {
    sessions: { type: "string", default: "10000" },
    hold: { type: "string", default: "120" },
    "baseline-hold": { type: "string", default: "30" },
    systems: { type: "string", default: "xcord,bare,socketio" },
    "per-process": { type: "string", default: "15000" },
    "limit-seconds": { type: "string", default: "900" },
    /** Run XCord's nodes under Bun's CPU profiler and end with where their time went (ramp and hold). */
    profile: { type: "boolean", default: false },
  },
});
const sessions = Number(values.sessions);
const systems = parseSystems(values.systems);
/** Server processes: enough that none holds more than --per-process sessions (SO_REUSEPORT spreads them). */
const processes = Math.max(1, Math.ceil(sessions / Number(values["per-process"])));
const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const say = (message: string) => progress("connections", message);
const sum = (numbers: readonly number[]) => numbers.reduce((total, n) => total + n, 0);
const profiling = cpuProfiling(values.profile);

/** Ramps `sessions` sessions on `name`, holds them `holdSeconds`, and measures. */
const run = async (name: SystemName, context: { services: Awaited<ReturnType<typeof startServices>>; jwtSecret: string; tokens: string[] }, holdSeconds: number) => {
  say(`starting ${SYSTEM_LABELS[name]} (${processes} processes)`);
  const system = await startSystem(name, { services: context.services, jwtSecret: context.jwtSecret, processes, bunArgs: profiling.bunArgs(name) });
  await Bun.sleep(1000);
  const rssIdle = await system.rss();
  const load = startLoad({ protocol: system.protocol, url: system.wsUrl, tokens: context.tokens, count: sessions });
  const started = performance.now();
  const curve: Array<[number, number]> = [];
  const sampler = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    curve.push([seconds, load.total("ready")]);
    say(`${name}: ${load.total("ready")}/${sessions} ready, ${load.total("failed")} failed, ${seconds} s`);
  }, 1000);
  await load.ramped;
  const rampSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  curve.push([Math.round(rampSeconds * 10) / 10, load.total("ready")]);
  const ready = load.total("ready");
  const closedAtRamp = load.total("closed");
  for (let left = holdSeconds; left > 0; left--) {
    say(`${name}: holding ${ready - (load.total("closed") - closedAtRamp)} sessions, ${left} s left`);
    await Bun.sleep(1000);
  }
  const rssHeld = await system.rss();
  const openFiles = system.openFiles();
  const droppedInHold = load.total("closed") - closedAtRamp;
  const held = ready - droppedInHold;
  const figures = {
    processes,
    clientProcesses: load.processes,
    ready,
    failed: load.total("failed"),
    rampSeconds: Math.round(rampSeconds * 10) / 10,
    sessionsPerSecond: Math.round(ready / rampSeconds),
    connectMs: latencySummary(load.connectMs()),
    holdSeconds,
    heldToEnd: held,
    droppedInHold,
    closeCodes: load.closeCodes(),
    rssIdleMiB: rssIdle.map(mib),
    rssHeldMiB: rssHeld.map(mib),
    openFilesPerProcess: openFiles,
    bytesPerSession: Math.round((sum(rssHeld) - sum(rssIdle)) / Math.max(1, held)),
    curve,
  };
  await load.stop();
  await system.stop();
  return figures;
};

await runBounded("connections", Number(values["limit-seconds"]), async () => {
  say("starting PostgreSQL and Redis");
  const services = await startServices();
  onCleanup(() => services.stop());
  const jwtSecret = newJwtSecret();
  // A first XCord node migrates the database the fixtures go into.
  const migrator = await startSystem("xcord", { services, jwtSecret, processes: 1 });
  await migrator.stop();
  const seeder = createSeeder(services.databaseUrl, jwtSecret, say);
  onCleanup(() => seeder.close());
  say(`seeding ${sessions} users`);
  const tokens = (await seeder.users(sessions)).map((user) => user.token);
  const results: Partial<Record<SystemName, Awaited<ReturnType<typeof run>>>> = {};
  for (const name of systems) results[name] = await run(name, { services, jwtSecret, tokens }, name === "xcord" ? Number(values.hold) : Number(values["baseline-hold"]));
  process.stderr.write("\n");
  const xcord = results.xcord;
  const rows = systems.map((name) => {
    const r = results[name]!;
    return {
      system: SYSTEM_LABELS[name],
      "ready / asked": `${r.ready} / ${sessions}`,
      [`held to end`]: `${r.heldToEnd} (${r.holdSeconds} s)`,
      "ramp s": r.rampSeconds,
      "sessions/s": r.sessionsPerSecond,
      "connect p50/p99 ms": `${r.connectMs.p50} / ${r.connectMs.p99}`,
      "RSS held MiB (per process)": r.rssHeldMiB.join(" "),
      "KiB/session": (r.bytesPerSession / 1024).toFixed(1),
      "XCord KiB/session ÷ this": xcord ? ratio(xcord.bytesPerSession, r.bytesPerSession) : "",
      "XCord sessions/s ÷ this": xcord ? ratio(xcord.sessionsPerSecond, r.sessionsPerSecond) : "",
    };
  });
  printTable(rows);
  printProfiles(profiling.summaries(), 20);
  const series: Series[] = systems.map((name) => ({ name: SYSTEM_LABELS[name], points: results[name]!.curve }));
  const chart = lineChart({ title: `Ramp to ${sessions.toLocaleString("en")} sessions`, xLabel: "seconds", yLabel: "sessions ready" }, series);
  const files = writeResult("connections", { sessions, processes, systems, hold: Number(values.hold), baselineHold: Number(values["baseline-hold"]) }, { results, table: rows }, { ramp: chart });
  console.log(`\nwritten ${files.join(", ")}`);
});
