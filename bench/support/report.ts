/** Figures, tables and the JSON record every benchmark writes under bench/results/. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

const RESULTS = resolve(import.meta.dir, "../results");

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** p50/p95/p99/max/mean of latency samples in ms. */
export const latencySummary = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length)),
  };
};

/** One progress line, overwritten in place on a terminal. */
export const progress = (scenario: string, message: string) => process.stderr.write(`\r[bench ${scenario}] ${message}\x1b[K`);

/** Prints rows as an aligned table. */
export const printTable = (rows: ReadonlyArray<Record<string, string | number>>) => {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
  console.log(`\n${line(columns)}\n${line(widths.map((w) => "-".repeat(w)))}`);
  for (const row of rows) console.log(line(columns.map((column) => String(row[column] ?? ""))));
};

/** XCord over a baseline, for a figure where more is better (req/s); invert for latencies and memory. */
export const ratio = (xcord: number, baseline: number): number => (baseline > 0 ? Math.round((xcord / baseline) * 100) / 100 : Number.NaN);

/** The first line a tool prints for `--version`, or null when it is not installed. */
const versionOf = (command: string, ...args: string[]): string | null => {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).split("\n")[0]!.trim();
  } catch {
    return null;
  }
};

const versions = () => ({
  bun: Bun.version,
  node: versionOf("node", "--version"),
  postgres: versionOf("/usr/lib/postgresql/15/bin/postgres", "--version"),
  redis: versionOf("redis-server", "--version"),
  commit: versionOf("git", "-C", resolve(import.meta.dir, "../.."), "rev-parse", "--short", "HEAD"),
});

const stampOf = (at: Date) => at.toISOString().replaceAll(":", "-");

/**
 * Writes `bench/results/<scenario>-<timestamp>.json` with the machine, versions, parameters and figures, and each
 * chart beside it as `<scenario>-<timestamp>-<name>.svg`. Returns the paths written.
 */
export const writeResult = (scenario: string, parameters: object, figures: object, charts: Record<string, string> = {}): string[] => {
  mkdirSync(RESULTS, { recursive: true });
  const at = new Date();
  const base = join(RESULTS, `${scenario}-${stampOf(at)}`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), platform: process.platform };
  const chartFiles = Object.fromEntries(Object.keys(charts).map((name) => [name, `${base}-${name}.svg`]));
  writeFileSync(`${base}.json`, `${JSON.stringify({ scenario, at: at.toISOString(), machine, versions: versions(), parameters, figures, charts: chartFiles }, null, 2)}\n`);
  for (const [name, svg] of Object.entries(charts)) writeFileSync(chartFiles[name]!, svg);
  return [`${base}.json`, ...Object.values(chartFiles)];
};
