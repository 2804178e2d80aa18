/**
 * The permission hot path: `PermissionResolver.forChannel(userId, channelId)`, which every message send will call.
 * One prepared statement (one database round trip) plus `computePermissions` in process, measured in this process
 * against PGlite (in memory) and PostgreSQL (DATABASE_URL, else a throwaway cluster started like the test harness's),
 * next to a bare `SELECT 1` round trip as each database's floor. The subject is a non-owner member holding `--roles`
 * roles in a channel with `--overwrites` role overwrites plus @everyone's and their own.
 *
 *   bun run bench permissions [--checks 5000] [--concurrency 16] [--roles 10] [--overwrites 10]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { type App, createApp } from "../src/app";
import { loadConfig } from "../src/shared/infrastructure/config";
import { users } from "../src/shared/infrastructure/postgres/identity-schema";
import { Permission } from "../src/shared/kernel/permissions";
import { startPostgres } from "../scripts/support/postgres";
import { freePort } from "../scripts/support/proc";
import { makeRunDir, removeRunDir } from "../scripts/support/tmpdir";

const { values } = parseArgs({
  options: {
    checks: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "16" },
    roles: { type: "string", default: "10" },
    overwrites: { type: "string", default: "10" },
  },
});
const checks = Number(values.checks);
const concurrency = Number(values.concurrency);
const roleCount = Number(values.roles);
const overwriteCount = Math.min(Number(values.overwrites), roleCount);
const ROOT = resolve(import.meta.dir, "..");
const progress = (message: string) => process.stderr.write(`[bench permissions] ${message}\n`);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
/** Latency summary in microseconds. */
const summarize = (samplesMs: number[]) => {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const us = (ms: number) => Math.round(ms * 1000 * 10) / 10;
  return { mean: us(sorted.reduce((a, b) => a + b, 0) / sorted.length), p50: us(percentile(sorted, 50)), p99: us(percentile(sorted, 99)) };
};

/** A guild whose member holds `roleCount` roles, in a channel with overwrites for @everyone, the roles and the member. */
const seed = async (app: App) => {
  const now = new Date();
  const [owner, member] = [app.ids.next(), app.ids.next()];
  await app.database.db.insert(users).values(
    [owner, member].map((id) => ({ id, username: `bench_${id}`, email: `${id}@bench.test`, passwordHash: "x", createdAt: now, updatedAt: now })),
  );
  const { guild: useCases } = app;
  const { guild, channels } = await useCases.useCases.createGuild(owner, { name: "Bench" });
  const roles = [];
  for (let i = 0; i < roleCount; i++) roles.push(await useCases.useCases.createRole(owner, guild.id, { name: `r${i}`, permissions: "0" }));
  const invite = await useCases.useCases.createInvite(owner, channels[0]!.id, { maxAge: 0 });
  await useCases.useCases.joinGuild(member, invite.code);
  for (const role of roles) await useCases.useCases.addMemberRole(owner, guild.id, member, role.id);
  const overwrites = [
    { id: guild.id, type: 0, deny: Permission.SEND_MESSAGES.toString() },
    ...roles.slice(0, overwriteCount).map((role, i) => ({ id: role.id, type: 0, allow: i === 0 ? Permission.SEND_MESSAGES.toString() : "0" })),
    { id: member, type: 1, deny: Permission.ADD_REACTIONS.toString() },
  ];
  const channel = await app.channel.useCases.createChannel(owner, guild.id, { name: "hot", type: 0, overwrites });
  return { member, channelId: channel.id };
};

const measure = async (name: string, app: App) => {
  progress(`${name}: seeding a guild with ${roleCount} roles and ${overwriteCount + 2} overwrites`);
  const { member, channelId } = await seed(app);
  const resolver = app.channel.permissions;
  const check = async () => {
    const resolved = await resolver.forChannel(member, channelId);
    if (!resolved || (resolved.permissions & Permission.SEND_MESSAGES) === 0n || (resolved.permissions & Permission.ADD_REACTIONS) !== 0n) {
      throw new Error(`wrong permissions: ${resolved?.permissions}`);
    }
  };
  const roundTrip = () => app.database.db.execute(sql`SELECT 1`);
  for (let i = 0; i < 300; i++) await Promise.all([check(), roundTrip()]);

  const timed = async (run: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < checks; i++) {
      const started = performance.now();
      await run();
      samples.push(performance.now() - started);
    }
    return summarize(samples);
  };
  progress(`${name}: ${checks} sequential checks`);
  const sequential = await timed(check);
  const floor = await timed(roundTrip);
  progress(`${name}: ${checks} checks at concurrency ${concurrency}`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < checks) await check();
    }),
  );
  const perSecond = Math.round(checks / ((performance.now() - started) / 1000));
  return { database: name, sequentialUs: sequential, selectOneUs: floor, concurrency, checksPerSecond: perSecond };
};

const withApp = async <T>(env: Record<string, string>, run: (app: App) => Promise<T>): Promise<T> => {
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "error", RATE_LIMIT_SCALE: "1000000", ...env });
  const app = await createApp({ config });
  // Listening only so that stop() has a server to stop; the measurement calls the resolver directly.
  app.listen();
  try {
    return await run(app);
  } finally {
    await app.stop();
  }
};

const results = [await withApp({ DATA_DIR: "memory://" }, (app) => measure("pglite", app))];
const cleanups: Array<() => Promise<void>> = [];
try {
  let url = process.env.DATABASE_URL;
  if (!url) {
    progress("no DATABASE_URL: starting a throwaway PostgreSQL 15");
    const tmp = makeRunDir();
    cleanups.push(async () => removeRunDir(tmp));
    const pg = await startPostgres(tmp, await freePort(), (cleanup) => void cleanups.push(cleanup));
    url = pg.url;
  }
  results.push(await withApp({ DATABASE_URL: url, DATA_DIR: "memory://" }, (app) => measure("postgres", app)));
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}

const result = {
  scenario: "permissions",
  at: new Date().toISOString(),
  machine: { cpus: availableParallelism(), bun: Bun.version, platform: process.platform },
  subject: { roles: roleCount, overwrites: overwriteCount + 2, checks },
  results,
};
console.table(
  Object.fromEntries(
    results.map((r) => [
      r.database,
      {
        "µs/check mean": r.sequentialUs.mean,
        "µs p50": r.sequentialUs.p50,
        "µs p99": r.sequentialUs.p99,
        "SELECT 1 µs mean": r.selectOneUs.mean,
        [`checks/s @${concurrency}`]: r.checksPerSecond,
      },
    ]),
  ),
);
const dir = join(ROOT, "bench/results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `permissions-${result.at.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`results: ${file}`);
