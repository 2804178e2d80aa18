/**
 * Every process a benchmark starts, so that each run is bounded in time and leaves nothing behind: children are
 * registered here, and `runBounded` stops them all (SIGTERM, then SIGKILL), then runs the cleanups (PostgreSQL and
 * Redis), when the scenario ends, fails, is interrupted (Ctrl-C, SIGTERM) or overruns its time limit.
 */
import type { Subprocess } from "bun";

/** How long a child gets to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

const children = new Set<Subprocess>();
const cleanups: Array<() => Promise<void>> = [];

/** Starts a child process that is stopped with the run, whatever happens. */
export const spawnTracked = <Opts extends Bun.SpawnOptions.OptionsObject<"ignore" | "inherit" | "pipe", "ignore" | "inherit" | "pipe", "ignore" | "inherit" | "pipe">>(
  cmd: string[],
  options: Opts,
) => {
  const child = Bun.spawn(cmd, options);
  children.add(child);
  void child.exited.then(() => children.delete(child));
  return child;
};

/** Sends SIGTERM, waits up to the grace period, then SIGKILL. */
export const stopChild = async (child: Subprocess, graceMs = STOP_GRACE_MS): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
  if (!exited) child.kill("SIGKILL");
  await child.exited;
};

/** Runs `cleanup` when the run ends (last registered, first run), after every tracked child has stopped. */
export const onCleanup = (cleanup: () => Promise<void>) => void cleanups.push(cleanup);

let cleaning: Promise<void> | undefined;
const cleanupAll = () =>
  (cleaning ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)));
    for (let next = cleanups.pop(); next; next = cleanups.pop()) await next().catch((error) => console.error(`cleanup: ${error}`));
  })());

/**
 * Runs a scenario with a hard time limit. Whatever the outcome, every registered cleanup runs and every tracked
 * child is stopped before the process exits: 0 on success, 1 on error, 124 past the limit, 130/143 on signals.
 */
export const runBounded = async (scenario: string, limitSeconds: number, main: () => Promise<void>): Promise<never> => {
  const exit = (code: number, message?: string) => {
    if (message) console.error(`\n[bench ${scenario}] ${message}`);
    void cleanupAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => exit(130, "interrupted; stopping every process"));
  process.on("SIGTERM", () => exit(143, "terminated; stopping every process"));
  const limit = setTimeout(() => exit(124, `time limit of ${limitSeconds} s reached; stopping every process`), limitSeconds * 1000);
  try {
    await main();
    clearTimeout(limit);
    exit(0);
  } catch (error) {
    clearTimeout(limit);
    exit(1, `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  return new Promise<never>(() => {});
};
