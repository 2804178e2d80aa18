/**
 * Makes sure mediasoup's C++ worker is built before the tests, which run voice against the real worker:
 * installs its Debian build packages as root, then runs scripts/mediasoup/build-worker.sh (instant when cached).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { aptInstall, isRoot, MissingDependency } from "./deps";
import { log, run } from "./proc";

const REPO_ROOT = join(import.meta.dir, "../..");
const MEDIASOUP_DIR = join(REPO_ROOT, "node_modules/mediasoup");
const WORKER_BIN = join(MEDIASOUP_DIR, "worker/out/Release/mediasoup-worker");
const BUILD_SCRIPT = join(REPO_ROOT, "scripts/mediasoup/build-worker.sh");
const PACKAGE_LIST = join(REPO_ROOT, "scripts/mediasoup/apt-packages.txt");
/** build-worker.sh's exit code for "Debian packages missing and not root". */
const EXIT_MISSING_PACKAGES = 2;
/** A first build is silent for minutes inside ninja; say it is still going. */
const HEARTBEAT_MS = 20_000;

/** The Debian packages the worker build needs (shared with build-worker.sh and .ci/run). */
const buildPackages = (): string[] =>
  readFileSync(PACKAGE_LIST, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));

/** Build packages that dpkg does not list as installed (none when dpkg is unavailable: the build script decides). */
async function missingPackages(packages: string[]): Promise<string[]> {
  if (Bun.which("dpkg-query") === null) return [];
  const missing: string[] = [];
  for (const pkg of packages) {
    const { output } = await run(["dpkg-query", "-W", "-f=${Status}", pkg]);
    if (!output.includes("install ok installed")) missing.push(pkg);
  }
  return missing;
}

/** Runs build-worker.sh with its log lines streaming, plus a heartbeat while it compiles; resolves to its exit code. */
async function runBuild(): Promise<number> {
  const started = Date.now();
  const heartbeat = setInterval(() => log(`still building the mediasoup worker (${Math.round((Date.now() - started) / 1000)} s)`), HEARTBEAT_MS);
  try {
    const proc = Bun.spawn(["bash", BUILD_SCRIPT, MEDIASOUP_DIR], { stdin: "ignore", stdout: "ignore", stderr: "inherit" });
    return await proc.exited;
  } finally {
    clearInterval(heartbeat);
  }
}

/** Ensures the worker binary exists; throws MissingDependency with the fix when it cannot be built from here. */
export async function ensureMediasoupWorker(): Promise<void> {
  if (existsSync(WORKER_BIN)) return;
  if (!existsSync(join(MEDIASOUP_DIR, "package.json"))) throw new MissingDependency("  node_modules/mediasoup is missing: run `bun install`");
  const missing = await missingPackages(buildPackages());
  if (missing.length > 0 && isRoot()) await aptInstall(missing);
  log("mediasoup worker not built: running scripts/mediasoup/build-worker.sh (a first build takes about 4 minutes on 2 cores)");
  const started = Date.now();
  const code = await runBuild();
  if (code === EXIT_MISSING_PACKAGES) {
    throw new MissingDependency(`  the mediasoup worker build needs Debian packages: sudo apt-get install -y ${missing.join(" ") || buildPackages().join(" ")}`);
  }
  if (code !== 0 || !existsSync(WORKER_BIN)) {
    throw new MissingDependency(`  could not build the mediasoup worker (build-worker.sh exited ${code}; see its [build-worker] lines above)`);
  }
  log(`mediasoup worker ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
