/**
 * History: warm `GET /channels/{id}/messages?limit=50` per second and its latency on real PostgreSQL, load from
 * separate processes, for XCord and the baselines (Socket.IO stack: JWT, then the same table; bare: a fixed page).
 *
 *   bun run bench history [--seconds 10] [--concurrency 64] [--seed 1000] [--processes 2] [--systems xcord,bare,socketio] [--pgbouncer]
 *                         [--profile]
 */
import { parseArgs } from "node:util";
import postgres from "postgres";
import { barChart } from "./support/chart";
import { runHttpLoad } from "./support/http-loads";
import { onCleanup, runBounded } from "./support/processes";
import { cpuProfiling, printProfiles } from "./support/profile";
import { printTable, progress, ratio, writeResult } from "./support/report";
import { createSeeder, newJwtSecret } from "./support/seed";
import { startServices } from "./support/services";
import { parseSystems, SYSTEM_LABELS, type SystemName, startSystems } from "./support/systems";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "64" },
    seed: { type: "string", default: "1000" },
    processes: { type: "string", default: "2" },
    users: { type: "string", default: "100" },
    systems: { type: "string", default: "xcord,bare,socketio" },
    /** Run XCord's nodes under Bun's CPU profiler and end with where their time went. */
    profile: { type: "boolean", default: false },
    /** XCord reaches PostgreSQL through PgBouncer in transaction mode (`?pgbouncer=true`); the baselines directly. */
    pgbouncer: { type: "boolean", default: false },
    "limit-seconds": { type: "string", default: "600" },
  },
});
const systems = parseSystems(values.systems);
const say = (message: string) => progress("history", message);

/** Inserts `count` messages into the channel straight into the table, authors round-robin. */
const seedMessages = async (databaseUrl: string, guildId: string, channelId: string, authors: readonly string[], count: number) => {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  const base = BigInt(channelId);
  const rows = Array.from({ length: count }, (_, i) => ({
    id: String(base + BigInt(i + 1) * 4096n),
    channel_id: channelId,
    guild_id: guildId,
    author_id: authors[i % authors.length]!,
    content: `seed message ${i} with a few words to index`,
  }));
  for (let i = 0; i < rows.length; i += 1000) await sql`insert into messages ${sql(rows.slice(i, i + 1000))}`;
  await sql.end();
};

await runBounded("history", Number(values["limit-seconds"]), async () => {
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
  const users = await seeder.users(Number(values.users));
  const response = await fetch(`${running.get("xcord")!.httpUrl}/api/v1/guilds`, {
    method: "POST",
    headers: { authorization: `Bearer ${users[0]!.token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "History" }),
  });
  const guild = (await response.json()) as { id: string; channels: Array<{ id: string; name: string }> };
  await seeder.join(guild.id, users.slice(1).map((user) => user.id));
  const channelId = guild.channels.find((channel) => channel.name === "general")!.id;
  say(`seeding ${values.seed} messages`);
  await seedMessages(services.databaseUrl, guild.id, channelId, users.map((user) => user.id), Number(values.seed));
  const results: Partial<Record<SystemName, Awaited<ReturnType<typeof runHttpLoad>> & { cpuMsPerRequest: number }>> = {};
  for (const name of systems) {
    const load = { mode: "read", base: running.get(name)!.httpUrl, channels: [channelId], tokens: users.map((user) => user.token), concurrency: Number(values.concurrency) } as const;
    say(`${SYSTEM_LABELS[name]}: warming up`);
    await runHttpLoad({ ...load, seconds: 2 });
    say(`${SYSTEM_LABELS[name]}: reading for ${values.seconds} s`);
    const cpuBefore = running.get(name)!.cpuSeconds();
    const result = await runHttpLoad({ ...load, seconds: Number(values.seconds) });
    const cpuMsPerRequest = ((running.get(name)!.cpuSeconds() - cpuBefore) * 1000) / Math.max(1, result.ok + result.errors);
    results[name] = { ...result, cpuMsPerRequest: Math.round(cpuMsPerRequest * 1000) / 1000 };
  }
  if (profiling.enabled) {
    say("stopping XCord to write its CPU profiles");
    await running.get("xcord")!.stop();
  }
  const profile = profiling.summaries();
  process.stderr.write("\n");
  const xcord = results.xcord;
  const rows = systems.map((name) => {
    const r = results[name]!;
    return {
      system: SYSTEM_LABELS[name],
      "req/s": r.perSecond,
      "p50 ms": r.latencyMs.p50,
      "p99 ms": r.latencyMs.p99,
      "server CPU ms/req": r.cpuMsPerRequest,
      errors: r.errors,
      "XCord req/s ÷ this": xcord ? ratio(xcord.perSecond, r.perSecond) : "",
    };
  });
  printTable(rows);
  printProfiles(profile, 15);
  const chart = barChart({ title: "History reads (limit=50), warm", xLabel: "system", yLabel: "requests/s" }, ["req/s"], systems.map((name) => ({ name: SYSTEM_LABELS[name], points: [[0, results[name]!.perSecond] as const] })));
  const parameters = { seconds: Number(values.seconds), concurrency: Number(values.concurrency), seed: Number(values.seed), serverProcesses: processes, systems, xcordThroughPgBouncer: values.pgbouncer };
  console.log(`\nwritten ${writeResult("history", parameters, { results, profile, table: rows }, { throughput: chart }).join(", ")}`);
});
