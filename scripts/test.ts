/**
 * `bun run test [bun test args...]`: starts a throwaway PostgreSQL 15, Redis and (when installed) a PgBouncer in
 * front of that PostgreSQL on free loopback ports, runs `bun test` against them, always tears them down, and prints
 * `N passed, N failed` as the very last line. Exit code 0 only when bun test succeeded with at least one pass and no failure.
 */
import type { Subprocess } from "bun";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDependencies, MissingDependency, PG_BIN, PGBOUNCER_BIN } from "./support/deps";
import { ensureMediasoupWorker } from "./support/mediasoup";
import { startPgBouncer } from "./support/pgbouncer";
import { startPostgres } from "./support/postgres";
import { type Defer, freePort, log, terminate } from "./support/proc";
import { startRedis } from "./support/redis";
import { type Counts, countResults, readSummary } from "./support/results";
import { makeRunDir, reapStaleRuns, removeRunDir } from "./support/tmpdir";

/** Per test and per hook: servers start in hooks, and a loaded 2-core machine makes them slow. */
const HOOK_AND_TEST_TIMEOUT_MS = 30_000;

/** Mutable state shared by the normal path and the signal handlers. */
const state = {
  cleanups: [] as Array<() => Promise<void>>,
  teardown: null as Promise<void> | null,
  output: "",
  finished: false,
  interrupted: false,
};

/** Register a cleanup; teardown runs them newest first. */
const defer: Defer = (cleanup) => void state.cleanups.push(cleanup);

/** Run every registered cleanup exactly once (later registrations made while tearing down are included). */
function teardown(): Promise<void> {
  state.teardown ??= (async () => {
    const started = Date.now();
    for (let next = state.cleanups.pop(); next; next = state.cleanups.pop()) {
      await next().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
    }
    log(`teardown took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  })();
  return state.teardown;
}

/** Print the final `N passed, N failed` line and exit; later callers wait for the first one to exit. */
async function finish(counts: Counts, code: number): Promise<never> {
  if (state.finished) return new Promise<never>(() => {});
  state.finished = true;
  process.exitCode = code;
  await new Promise<void>((resolve) => process.stderr.write("", () => resolve())); // flush earlier log lines first
  await new Promise<void>((resolve) => process.stdout.write(`${counts.passed} passed, ${counts.failed} failed\n`, () => resolve()));
  process.exit(code);
}

/** On SIGINT/SIGTERM: stop the tests and servers, report what ran so far, exit 128+n. */
function installSignalHandlers(): void {
  const handle = (signal: NodeJS.Signals, code: number) => {
    if (state.teardown) return; // already cleaning up; let it finish
    state.interrupted = true;
    process.exitCode = code; // in case the loop drains before finish() runs
    log(`received ${signal}; stopping test run`);
    void teardown().then(() => finish(readSummary(state.output) ?? { passed: 0, failed: 0 }, code));
  };
  process.on("SIGINT", () => handle("SIGINT", 130));
  process.on("SIGTERM", () => handle("SIGTERM", 143));
}

/** Copy a child's output stream to our own, keeping a text copy for the summary parser. */
async function pump(stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    await new Promise<void>((resolve) => sink.write(chunk, () => resolve()));
    state.output += decoder.decode(chunk, { stream: true });
  }
}

/** Run bun test with live, captured output; resolves to its exit code (signals count as failure). */
async function runBunTest(tmp: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const proc: Subprocess<"ignore", "pipe", "pipe"> = Bun.spawn([process.execPath, "test", ...args], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  defer(() => terminate(proc.pid, "SIGTERM", 5_000));
  writeFileSync(join(tmp, "bun-test.pid"), `${proc.pid}\n`);
  await Promise.all([pump(proc.stdout, process.stdout), pump(proc.stderr, process.stderr)]);
  const code = await proc.exited;
  return proc.signalCode ? 128 : code;
}

/** Throw when a signal arrived, so startup stops spawning servers that teardown is already stopping. */
function checkpoint(): void {
  if (state.interrupted) throw new Error("interrupted");
}

/** Three distinct free loopback ports. */
async function threePorts(): Promise<[number, number, number]> {
  const ports: number[] = [];
  while (ports.length < 3) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  return ports as [number, number, number];
}

/** PgBouncer in front of `pgPort`, or null (logged) when it is not installed: only its own tests need it. */
async function maybeStartPgBouncer(tmp: string, port: number, pgPort: number): Promise<{ url: string } | null> {
  if (existsSync(PGBOUNCER_BIN)) return startPgBouncer(tmp, port, pgPort, defer);
  log(`${PGBOUNCER_BIN} not found: PGBOUNCER_URL is not exported and the PgBouncer tests skip`);
  return null;
}

/** Start the servers, run the suite, count results (before the run dir, holding junit.xml, is removed). */
async function runSuite(args: string[]): Promise<{ exit: number; counts: Counts }> {
  const tmp = makeRunDir();
  defer(async () => removeRunDir(tmp));
  const started = Date.now();
  const [pgPort, redisPort, pgBouncerPort] = await threePorts();
  const pg = await startPostgres(tmp, pgPort, defer);
  checkpoint();
  const pgBouncer = await maybeStartPgBouncer(tmp, pgBouncerPort, pgPort);
  checkpoint();
  const redis = await startRedis(tmp, redisPort, defer);
  checkpoint();
  const bouncer = pgBouncer ? `, pgbouncer :${pgBouncerPort}` : "";
  log(`postgres :${pgPort}${bouncer} and redis :${redisPort} ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${tmp})`);
  const junit = join(tmp, "junit.xml");
  const env = {
    ...process.env,
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    PG_BIN,
    XCORD_TEST_PG_PORT: String(pgPort),
    XCORD_TEST_PG_DIR: join(tmp, "pg"),
    XCORD_TEST_REDIS_PORT: String(redisPort),
    XCORD_TEST_REDIS_DIR: tmp,
    XCORD_TEST_REDIS_PIDFILE: redis.pidfile,
    // Set only when this run started PgBouncer, never inherited: the tests it gates must talk to this run's servers.
    PGBOUNCER_URL: pgBouncer?.url,
    ...(process.stderr.isTTY ? { FORCE_COLOR: "1" } : {}),
  };
  // bunfig's [test] timeout does not reach beforeAll/afterAll hooks; the CLI flag does, and servers start in hooks.
  const timeout = args.some((arg) => arg.startsWith("--timeout")) ? [] : ["--timeout", String(HOOK_AND_TEST_TIMEOUT_MS)];
  const exit = await runBunTest(tmp, [`--reporter=junit`, `--reporter-outfile=${junit}`, ...timeout, ...args], env);
  return { exit, counts: countResults(junit, state.output) };
}

/** Entry point: returns only through finish(). */
async function main(): Promise<never> {
  installSignalHandlers();
  let exit: number | null = null; // stays null when bun test never ran
  let counts: Counts = { passed: 0, failed: 0 };
  try {
    await ensureDependencies();
    await ensureMediasoupWorker();
    await reapStaleRuns();
    ({ exit, counts } = await runSuite(process.argv.slice(2)));
  } catch (error) {
    if (!state.interrupted) console.error(error instanceof MissingDependency ? error.message : `[harness] error: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await teardown();
  }
  if (state.interrupted) return new Promise<never>(() => {}); // the signal handler reports and exits
  if (exit !== null && exit !== 0 && counts.failed === 0) log(`bun test exited with code ${exit}`);
  return finish(counts, exit === 0 && counts.failed === 0 && counts.passed > 0 ? 0 : 1);
}

await main();
