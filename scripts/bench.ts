/**
 * `bun run bench <scenario> [args...]`: runs `bench/<scenario>.ts` in its own process and exits with its code.
 * Each scenario prints a table and writes JSON to `bench/results/<scenario>-<timestamp>.json`.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const BENCH_DIR = resolve(import.meta.dir, "../bench");
const scenarios = readdirSync(BENCH_DIR)
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.slice(0, -3))
  .sort();

const [scenario, ...args] = process.argv.slice(2);
if (!scenario || !scenarios.includes(scenario)) {
  if (scenario) console.error(`unknown benchmark scenario "${scenario}"`);
  console.error(`usage: bun run bench <scenario> [args...]\nscenarios: ${scenarios.join(", ") || "(none yet)"}`);
  process.exit(2);
}

const child = Bun.spawn([process.execPath, "run", join(BENCH_DIR, `${scenario}.ts`), ...args], {
  stdio: ["inherit", "inherit", "inherit"],
});
process.on("SIGINT", () => child.kill("SIGINT"));
process.on("SIGTERM", () => child.kill("SIGTERM"));
process.exit(await child.exited);
