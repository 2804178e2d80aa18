/**
 * Fan-out: guilds of 100, 1,000 and 10,000 online members. One member sends messages by REST, one at a time; the
 * figure is the time from the send until the last member's client has the message, p50/p95/p99/max over
 * `--messages` messages, for XCord and for each baseline doing the same work (bare Bun.serve publishing to every
 * socket; Node + Socket.IO with the Redis adapter, JWT auth and the same Postgres table).
 *
 *   bun run bench fanout [--members 100,1000,10000] [--messages 200] [--systems xcord,bare,socketio] [--processes 1]
 *                        [--cpu-prof DIR]
 */
import { parseArgs } from "node:util";
import { lineChart } from "./support/chart";
import { startLoad, waitOnline } from "./support/load-clients";
import { onCleanup, runBounded } from "./support/processes";
import { latencySummary, printTable, progress, ratio, writeResult } from "./support/report";
import { type BenchGuild as Guild, createBenchGuild, createSeeder, newJwtSecret, postJson } from "./support/seed";
import { startServices } from "./support/services";
import { parseSystems, type RunningSystem, SYSTEM_LABELS, type SystemName, startSystem } from "./support/systems";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "100,1000,10000" },
    messages: { type: "string", default: "200" },
    systems: { type: "string", default: "xcord,bare,socketio" },
    processes: { type: "string", default: "1" },
    "limit-seconds": { type: "string", default: "1500" },
    /** Directory for a CPU profile of each XCord node (Bun's --cpu-prof), written when the run ends. */
    "cpu-prof": { type: "string" },
  },
});
const sizes = values.members.split(",").map(Number);
const messageCount = Number(values.messages);
const systems = parseSystems(values.systems);
const processes = Number(values.processes);
/** A message not delivered to every member within this long counts as lost. */
const DELIVERY_TIMEOUT_MS = 10_000;
/** Untimed messages first: the first dispatch to each member fills node caches (permissions), as in steady state. */
const WARM_UP_MESSAGES = 5;
/**
 * How often load clients report deliveries. The next message is sent once the last member reported this one, so a
 * one-second report would pace the run at a message a second; latencies are timed in the clients either way.
 */
const REPORT_MS = 20;
const say = (message: string) => progress("fanout", message);


/** Connects every member, then sends the messages one at a time, each once the previous reached every member. */
const measure = async (system: RunningSystem, guild: Guild) => {
  const size = guild.members.length;
  const load = startLoad({ protocol: system.protocol, url: system.wsUrl, tokens: guild.members.map((member) => member.token), count: size, reportMs: REPORT_MS });
  const online = await waitOnline(load, size, say, system.name);
  // Members coming online cause presence updates; let them drain before timing anything.
  await Bun.sleep(2000);
  const lastMember: number[] = [];
  for (let i = -WARM_UP_MESSAGES; i < messageCount; i++) {
    const tag = `${system.name}-${size}-${i}`;
    await postJson(`${system.httpUrl}/api/v1/channels/${guild.channelId}/messages`, guild.members[0]!.token, {
      content: `#${tag} sent_at=${performance.timeOrigin + performance.now()}`,
    });
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    while ((load.deliveries.get(tag)?.count ?? 0) < online && Date.now() < deadline) await Bun.sleep(1);
    const delivery = load.deliveries.get(tag);
    if (i >= 0 && delivery && delivery.count >= online) lastMember.push(delivery.max);
    say(`${system.name} ${size}: sent ${i + 1}/${messageCount}`);
  }
  await load.stop();
  return { members: size, online, messages: messageCount, deliveredToAll: lastMember.length, sendToLastMemberMs: latencySummary(lastMember) };
};

await runBounded("fanout", Number(values["limit-seconds"]), async () => {
  say("starting PostgreSQL and Redis");
  const services = await startServices();
  onCleanup(() => services.stop());
  const jwtSecret = newJwtSecret();
  const running = new Map<SystemName, RunningSystem>();
  // XCord first: its first node migrates the database the fixtures and the Socket.IO baseline use.
  for (const name of ["xcord", ...systems.filter((s) => s !== "xcord")] as SystemName[]) {
    say(`starting ${SYSTEM_LABELS[name]}`);
    const bunArgs = name === "xcord" && values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${values["cpu-prof"]}`] : [];
    running.set(name, await startSystem(name, { services, jwtSecret, processes, bunArgs }));
  }
  const seeder = createSeeder(services.databaseUrl, jwtSecret, say);
  onCleanup(() => seeder.close());
  const guilds: Guild[] = [];
  for (const size of sizes) {
    say(`seeding a guild of ${size}`);
    guilds.push(await createBenchGuild(running.get("xcord")!.httpUrl, seeder, await seeder.users(size), `Fanout ${size}`));
  }
  const results: Record<string, Record<number, Awaited<ReturnType<typeof measure>>>> = {};
  for (const guild of guilds) {
    for (const name of systems) (results[name] ??= {})[guild.members.length] = await measure(running.get(name)!, guild);
  }
  process.stderr.write("\n");
  const rows = guilds.flatMap((guild) => {
    const size = guild.members.length;
    return systems.map((name) => {
      const figures = results[name]![size]!;
      const latency = figures.sendToLastMemberMs;
      const xcord = results.xcord?.[size]?.sendToLastMemberMs;
      return {
        members: size,
        system: SYSTEM_LABELS[name],
        online: figures.online,
        "delivered to all": `${figures.deliveredToAll}/${figures.messages}`,
        "p50 ms": latency.p50,
        "p95 ms": latency.p95,
        "p99 ms": latency.p99,
        "max ms": latency.max,
        "XCord p99 / this p99": xcord ? ratio(xcord.p99, latency.p99) : "",
      };
    });
  });
  printTable(rows);
  const series = (percentile: "p50" | "p99") =>
    systems.map((name) => ({ name: `${SYSTEM_LABELS[name]} ${percentile}`, points: sizes.map((size) => [size, results[name]![size]!.sendToLastMemberMs[percentile]] as const) }));
  const chart = lineChart({ title: "Fan-out: send → last member", xLabel: "online members", yLabel: "ms" }, [...series("p50"), ...series("p99")]);
  const files = writeResult("fanout", { sizes, messages: messageCount, systems, serverProcesses: processes }, { results, table: rows }, { latency: chart });
  console.log(`\nwritten ${files.join(", ")}`);
});
