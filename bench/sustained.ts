/**
 * Sustained: messages posted at a fixed rate into one channel of a guild whose members are all online through the
 * gateway, open loop: message i is due at t0 + i / rate and is sent then whether or not earlier sends answered
 * (only `--max-in-flight` requests may be open at once; a message that leaves more than LATE_START_MS after it was
 * due, because the cap was reached or the sender's timer woke late, counts as a late start). Each message carries
 * `#<tag> sent_at=<due time>`, which the load clients (bench/support/load-client.mjs) time deliveries against for
 * every system alike, so a late start shows in the latency as it would to a user (no coordinated omission).
 *
 * Per system, guild size and rate: REST send latency (from the request leaving), send → last member latency per
 * message (the longest delay over every online member, from the load clients' per-tag deliveries, over the
 * messages every member got), deliveries/s achieved over the last two thirds of the sending window against
 * rate × online members, errors, messages not delivered to every member by the end of the drain, and whether a
 * backlog grew: the p50 of send → last member for the first third of the messages against the last third's
 * ("growing" when the last is over 2× the first and over 50 ms; a message some member never got counts there with
 * the time until the drain ended, a lower bound). "kept up": deliveries/s at 95% of the intended or more and at
 * most 1% late starts.
 *
 *   bun run bench sustained [--members 1000] [--rates 20,100] [--seconds 15] [--systems xcord,socketio]
 *                           [--processes 1] [--max-in-flight 256] [--drain-seconds 10] [--limit-seconds 900]
 *
 * `--processes 2` runs each system as two server processes sharing the port (XCord nodes; Socket.IO's WORKERS=2),
 * so one process and two compare in separate runs.
 */
import { parseArgs } from "node:util";
import { barChart, lineChart, type Series } from "./support/chart";
import { type Load, startLoad, waitOnline } from "./support/load-clients";
import { onCleanup, runBounded } from "./support/processes";
import { latencySummary, printTable, progress, ratio, writeResult } from "./support/report";
import { type BenchGuild as Guild, createBenchGuild, createSeeder, newJwtSecret, postJson } from "./support/seed";
import { startServices } from "./support/services";
import { parseSystems, type RunningSystem, SYSTEM_LABELS, startSystems } from "./support/systems";

const { values } = parseArgs({
  options: {
    members: { type: "string", default: "1000" },
    rates: { type: "string", default: "20,100" },
    seconds: { type: "string", default: "15" },
    systems: { type: "string", default: "xcord,socketio" },
    processes: { type: "string", default: "1" },
    /** Sends open at once, at most; Bun's fetch holds 256 connections per host by default. */
    "max-in-flight": { type: "string", default: "256" },
    /** After the last send answered, how long messages may take to reach every member before they count as not delivered. */
    "drain-seconds": { type: "string", default: "10" },
    "limit-seconds": { type: "string", default: "900" },
  },
});
const positive = (name: string, value: string) => {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number, not "${value}"`);
  return number;
};
const sizes = values.members.split(",").map((size) => Math.round(positive("members", size)));
const rates = values.rates.split(",").map((rate) => positive("rates", rate)).sort((a, b) => a - b);
const seconds = positive("seconds", values.seconds);
const systems = parseSystems(values.systems);
const processes = Math.round(positive("processes", values.processes));
const maxInFlight = Math.round(positive("max-in-flight", values["max-in-flight"]));
const drainMs = positive("drain-seconds", values["drain-seconds"]) * 1000;

/** A send that leaves more than this after it was due is a late start. */
const LATE_START_MS = 10;
/** A send with no answer after this long is an error ("timeout"). */
const SEND_TIMEOUT_MS = 30_000;
/** Untimed messages first, one at a time: the first dispatch to each member fills node caches, as in steady state. */
const WARM_UP_MESSAGES = 5;
/** How often load clients report deliveries (the achieved deliveries/s are read off these reports). */
const REPORT_MS = 50;
/** Backlog verdict: the last third's p50 over this many times the first third's, and over BACKLOG_MIN_MS. */
const BACKLOG_FACTOR = 2;
const BACKLOG_MIN_MS = 50;
/** Kept up: deliveries/s at least this share of rate × online, and at most this share of late starts. */
const KEPT_UP_SHARE = 0.95;
const KEPT_UP_LATE_SHARE = 0.01;
/** Points on the latency-over-the-run chart, per run. */
const TIMELINE_BUCKETS = 30;

const say = (message: string) => progress("sustained", message);
/** Milliseconds on the same clock as the load clients' (`performance.timeOrigin + performance.now()`). */
const now = () => performance.timeOrigin + performance.now();
const round = (value: number) => Math.round(value * 100) / 100;


/** One message of an open-loop run. */
interface Sent {
  /** Its place in the run: due at t0 + index / rate. */
  readonly index: number;
  readonly tag: string;
  /** When it was due (epoch ms); also its `sent_at`. */
  readonly dueAt: number;
  /** How long after it was due the request left. */
  startLagMs: number;
  /** REST latency from the request leaving to its answer; null while open. */
  restMs: number | null;
  /** null once answered 2xx; else the status, "timeout" or "network". */
  error: string | null;
}

/**
 * Sends `count` messages at `rate` per second from t0, open loop: each leaves when due (or as soon as fewer than
 * --max-in-flight requests are open), whatever happened to the earlier ones. Resolves once every send answered.
 */
const sendOpenLoop = async (url: string, token: string, rate: number, count: number, t0: number, tagOf: (i: number) => string) => {
  const sent: Sent[] = [];
  const open = new Set<Promise<void>>();
  let slotFreed: (() => void) | null = null;
  for (let i = 0; i < count; i++) {
    const dueAt = t0 + (i * 1000) / rate;
    const wait = dueAt - now();
    if (wait > 1) await Bun.sleep(wait);
    while (open.size >= maxInFlight) await new Promise<void>((resolve) => (slotFreed = resolve));
    const record: Sent = { index: i, tag: tagOf(i), dueAt, startLagMs: 0, restMs: null, error: null };
    sent.push(record);
    const started = now();
    record.startLagMs = Math.max(0, started - dueAt);
    const request = fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ content: `#${record.tag} sent_at=${dueAt}` }),
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        record.restMs = now() - started;
        if (!response.ok) record.error = String(response.status);
      })
      .catch((error: unknown) => {
        record.restMs = now() - started;
        record.error = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError") ? "timeout" : "network";
      })
      .finally(() => {
        open.delete(request);
        slotFreed?.();
        slotFreed = null;
      });
    open.add(request);
    if (i % Math.max(1, Math.round(rate)) === 0) say(`sending ${i + 1}/${count} at ${rate} msg/s, ${open.size} open`);
  }
  await Promise.all(open);
  return sent;
};

/** The summed delivery count of `tags` reported so far. */
const deliveredSoFar = (load: Load, tags: readonly string[]) => tags.reduce((sum, tag) => sum + (load.deliveries.get(tag)?.count ?? 0), 0);

/**
 * Sends the warm-up messages one at a time, each once it reached every member (or 10 s passed). A failed send does
 * not end the run: the timed sends then fail too, and count as errors. Returns the warm-up sends that failed.
 */
const warmUp = async (system: RunningSystem, guild: Guild, load: Load, online: number, prefix: string) => {
  let failed = 0;
  for (let i = 0; i < WARM_UP_MESSAGES; i++) {
    const tag = `${prefix}-warm${i}`;
    try {
      await postJson(`${system.httpUrl}/api/v1/channels/${guild.channelId}/messages`, guild.members[0]!.token, { content: `#${tag} sent_at=${now()}` });
    } catch {
      failed++;
      continue;
    }
    const deadline = Date.now() + 10_000;
    while ((load.deliveries.get(tag)?.count ?? 0) < online && Date.now() < deadline) await Bun.sleep(5);
  }
  return failed;
};

/** One open-loop run at `rate` on a guild whose members are online on `load`. */
const runRate = async (system: RunningSystem, guild: Guild, load: Load, online: number, rate: number) => {
  const size = guild.members.length;
  const prefix = `${system.name}-${size}-${rate}`;
  const count = Math.max(1, Math.round(rate * seconds));
  const tags = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  const t0 = now() + 100;
  // Deliveries/s achieved: the delivery count's growth over the last two thirds of the sending window (past the
  // start, where nothing has arrived yet), read off the clients' reports one report period late at both ends, so
  // that a system that keeps up reads as rate × online whatever its latency.
  const snapshots: Array<{ at: number; delivered: number }> = [];
  const snapshot = () => void snapshots.push({ at: now(), delivered: deliveredSoFar(load, tags) });
  const snapshotTimers = [1 / 3, 1].map((part) => setTimeout(snapshot, t0 + part * seconds * 1000 + REPORT_MS - now()));
  const sent = await sendOpenLoop(`${system.httpUrl}/api/v1/channels/${guild.channelId}/messages`, guild.members[0]!.token, rate, count, t0, (i) => tags[i]!);
  const sendingEndedAt = now();
  // Drain: until every accepted message reached every member, or --drain-seconds passed.
  const accepted = sent.filter((message) => message.error === null);
  let pending = accepted.filter((message) => (load.deliveries.get(message.tag)?.count ?? 0) < online);
  const drainDeadline = sendingEndedAt + drainMs;
  while (pending.length > 0 && now() < drainDeadline) {
    say(`${SYSTEM_LABELS[system.name]} ${size} at ${rate} msg/s: ${pending.length} messages not yet with every member`);
    await Bun.sleep(20);
    pending = pending.filter((message) => (load.deliveries.get(message.tag)?.count ?? 0) < online);
  }
  // Both snapshots are taken unless sending overran the window a lot (then the second is now).
  for (const timer of snapshotTimers) clearTimeout(timer);
  while (snapshots.length < 2) snapshot();
  const [windowFrom, windowTo] = snapshots as [(typeof snapshots)[0], (typeof snapshots)[0]];
  const achievedPerSecond = windowTo.at > windowFrom.at ? ((windowTo.delivered - windowFrom.delivered) * 1000) / (windowTo.at - windowFrom.at) : Number.NaN;
  const endedAt = now();
  const totalDeliveries = deliveredSoFar(load, tags);

  // Per accepted message: send → last member (null when some member never got it), and a lower bound for those
  // (the time until the drain ended) so that undelivered messages weigh in the backlog comparison.
  const perMessage = accepted.map((message) => {
    const delivery = load.deliveries.get(message.tag);
    const all = (delivery?.count ?? 0) >= online;
    return { message, lastMs: all ? delivery!.max : null, atLeastMs: all ? delivery!.max : Math.max(delivery?.max ?? 0, endedAt - message.dueAt) };
  });
  const deliveredToAll = perMessage.filter((entry) => entry.lastMs !== null).map((entry) => entry.lastMs!);
  const third = (from: number, to: number) => {
    const slice = perMessage.filter(({ message }) => message.index >= from * count && message.index < to * count);
    return { ...latencySummary(slice.map((entry) => entry.atLeastMs)), notDelivered: slice.filter((entry) => entry.lastMs === null).length };
  };
  const firstThird = third(0, 1 / 3);
  const lastThird = third(2 / 3, 1);
  const backlogGrowing = lastThird.p50 > BACKLOG_FACTOR * firstThird.p50 && lastThird.p50 > BACKLOG_MIN_MS;
  const lateStarts = sent.filter((message) => message.startLagMs > LATE_START_MS).length;
  // Kept up: delivered at (nearly) the intended rate, and sent on time.
  const keptUp = achievedPerSecond >= KEPT_UP_SHARE * rate * online && lateStarts <= KEPT_UP_LATE_SHARE * count;
  const errors: Record<string, number> = {};
  for (const message of sent) if (message.error) errors[message.error] = (errors[message.error] ?? 0) + 1;
  // Latency over the run: p50 of send → last member (lower bound when undelivered) per slice of the window.
  const bucketMs = (seconds * 1000) / Math.min(TIMELINE_BUCKETS, count);
  const buckets = new Map<number, number[]>();
  for (const entry of perMessage) {
    const bucket = Math.floor((entry.message.index * 1000) / rate / bucketMs);
    (buckets.get(bucket) ?? buckets.set(bucket, []).get(bucket)!).push(entry.atLeastMs);
  }
  const timeline = [...buckets.entries()].sort(([a], [b]) => a - b).map(([bucket, latencies]) => [round(((bucket + 0.5) * bucketMs) / 1000), latencySummary(latencies).p50] as const);
  return {
    members: size,
    online,
    rate,
    seconds,
    intended: count,
    accepted: accepted.length,
    errors,
    errorCount: sent.length - accepted.length,
    lateStarts,
    startLagMs: latencySummary(sent.map((message) => message.startLagMs)),
    sendLatencyMs: latencySummary(sent.filter((message) => message.error === null).map((message) => message.restMs!)),
    sendToLastMemberMs: latencySummary(deliveredToAll),
    deliveredToAll: deliveredToAll.length,
    notDeliveredToAll: accepted.length - deliveredToAll.length,
    deliveriesPerSecond: { intended: round(rate * online), achieved: round(achievedPerSecond) },
    deliveries: { total: totalDeliveries, intended: count * online },
    keptUp,
    /** Time from the last send's answer until every message reached every member (or the drain gave up). */
    drainMs: round(endedAt - sendingEndedAt),
    firstThirdMs: firstThird,
    lastThirdMs: lastThird,
    backlog: backlogGrowing ? "growing" : "steady",
    timeline,
    /** Send → last member per accepted message, in send order (null: not every member got it). */
    lastMemberMs: perMessage.map((entry) => (entry.lastMs === null ? null : round(entry.lastMs))),
  };
};

type RunResult = Awaited<ReturnType<typeof runRate>> & { readonly warmUpErrors: number };

/** Brings every member online on `system`, then runs each rate in turn (lowest first), draining in between. */
const measure = async (system: RunningSystem, guild: Guild): Promise<RunResult[]> => {
  const size = guild.members.length;
  const label = SYSTEM_LABELS[system.name];
  const load = startLoad({ protocol: system.protocol, url: system.wsUrl, tokens: guild.members.map((member) => member.token), count: size, reportMs: REPORT_MS });
  try {
    const online = await waitOnline(load, size, say, label);
    if (online === 0) throw new Error(`${label}: no member came online`);
    // Members coming online cause presence updates; let them drain before timing anything.
    await Bun.sleep(2000);
    const warmUpErrors = await warmUp(system, guild, load, online, `${system.name}-${size}`);
    if (warmUpErrors > 0) console.error(`\n[bench sustained] ${label} ${size}: ${warmUpErrors}/${WARM_UP_MESSAGES} warm-up sends failed`);
    const results: RunResult[] = [];
    for (const rate of rates) {
      results.push({ ...(await runRate(system, guild, load, online, rate)), warmUpErrors });
      await Bun.sleep(1000);
    }
    return results;
  } finally {
    await load.stop();
  }
};

await runBounded("sustained", positive("limit-seconds", values["limit-seconds"]), async () => {
  say("starting PostgreSQL and Redis");
  const services = await startServices();
  onCleanup(() => services.stop());
  const jwtSecret = newJwtSecret();
  // XCord first: its first node migrates the database the fixtures and the Socket.IO baseline use.
  const running = await startSystems(systems, { services, jwtSecret, processes, say });
  const seeder = createSeeder(services.databaseUrl, jwtSecret, say);
  onCleanup(() => seeder.close());
  const guilds: Guild[] = [];
  for (const size of sizes) {
    say(`seeding a guild of ${size}`);
    guilds.push(await createBenchGuild(running.get("xcord")!.httpUrl, seeder, await seeder.users(size), `Sustained ${size}`));
  }
  const results: Record<string, RunResult[]> = {};
  for (const guild of guilds) for (const name of systems) (results[name] ??= []).push(...(await measure(running.get(name)!, guild)));
  process.stderr.write("\n");

  const rows = sizes.flatMap((size) =>
    rates.flatMap((rate) =>
      systems.map((name) => {
        const run = results[name]!.find((r) => r.members === size && r.rate === rate)!;
        const last = run.sendToLastMemberMs;
        const xcord = results.xcord?.find((r) => r.members === size && r.rate === rate)?.sendToLastMemberMs;
        return {
          system: SYSTEM_LABELS[name],
          members: `${run.online}/${size}`,
          "msg/s": rate,
          "sent ok": `${run.accepted}/${run.intended}`,
          "late starts": run.lateStarts,
          errors: run.errorCount,
          "send p50/p99 ms": `${run.sendLatencyMs.p50} / ${run.sendLatencyMs.p99}`,
          "last member p50/p99/max ms": `${last.p50} / ${last.p99} / ${last.max}`,
          "deliveries/s got/meant": `${Math.round(run.deliveriesPerSecond.achieved)} / ${Math.round(run.deliveriesPerSecond.intended)}`,
          "not to all": run.notDeliveredToAll,
          "p50 1st→last third ms": `${run.firstThirdMs.p50} → ${run.lastThirdMs.p50}`,
          backlog: run.backlog,
          "kept up": run.keptUp ? "yes" : "no",
          "XCord p99 / this p99": xcord ? ratio(xcord.p99, last.p99) : "",
        };
      }),
    ),
  );
  printTable(rows);
  console.log("");
  for (const name of systems) {
    for (const run of results[name]!) {
      console.log(
        `${SYSTEM_LABELS[name]}, ${run.members} members, ${run.rate} msg/s: backlog: ${run.backlog} ` +
          `(send → last member p50 ${run.firstThirdMs.p50} ms in the first third, ${run.lastThirdMs.p50} ms in the last; drain ${Math.round(run.drainMs)} ms); ` +
          (run.keptUp
            ? "kept up"
            : `did not keep up (${Math.round((100 * run.deliveriesPerSecond.achieved) / run.deliveriesPerSecond.intended)}% of the intended deliveries/s, ${run.lateStarts} late starts)`),
      );
    }
  }

  const cases = sizes.flatMap((size) => rates.map((rate) => ({ size, rate })));
  const caseName = ({ size, rate }: { size: number; rate: number }) => (sizes.length > 1 ? `${size} members, ${rate} msg/s` : `${rate} msg/s`);
  const timelines: Series[] = systems.flatMap((name) =>
    results[name]!.map((run) => ({ name: `${SYSTEM_LABELS[name]} ${caseName({ size: run.members, rate: run.rate })}`, points: run.timeline })),
  );
  const timelineChart = lineChart(
    { title: `Sustained: send → last member p50 over the run (${sizes.join(", ")} members)`, xLabel: "seconds since the first send", yLabel: "ms" },
    timelines,
  );
  const percentileBars = (percentile: "p50" | "p99"): Series[] =>
    systems.map((name) => ({
      name: `${SYSTEM_LABELS[name]} ${percentile}`,
      points: cases.map((c, index) => [index, results[name]!.find((r) => r.members === c.size && r.rate === c.rate)!.sendToLastMemberMs[percentile]] as const),
    }));
  const summaryChart = barChart(
    { title: "Sustained: send → last member", xLabel: sizes.length > 1 ? "members, messages/s" : `messages/s into ${sizes[0]} members`, yLabel: "ms" },
    cases.map(caseName),
    [...percentileBars("p50"), ...percentileBars("p99")],
  );
  const parameters = {
    sizes,
    rates,
    seconds,
    systems,
    serverProcesses: processes,
    maxInFlight,
    drainMs,
    lateStartMs: LATE_START_MS,
    reportMs: REPORT_MS,
    backlog: { factor: BACKLOG_FACTOR, minMs: BACKLOG_MIN_MS },
    keptUp: { deliveriesShare: KEPT_UP_SHARE, lateStartShare: KEPT_UP_LATE_SHARE },
  };
  const files = writeResult("sustained", parameters, { results, table: rows }, { timeline: timelineChart, latency: summaryChart });
  console.log(`\nwritten ${files.join(", ")}`);
});
