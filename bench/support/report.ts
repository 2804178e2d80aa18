/** Figures, tables and the JSON record every benchmark writes under bench/results/. */
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

/** Writes `bench/results/<scenario>-<timestamp>.json` with the machine, versions, parameters and figures. */
export const writeResult = (scenario: string, parameters: object, figures: object): string => {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${scenario}-${new Date().toISOString().replaceAll(":", "-")}.json`);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), platform: process.platform };
  writeFileSync(path, `${JSON.stringify({ scenario, at: new Date().toISOString(), machine, versions: { bun: Bun.version }, parameters, figures }, null, 2)}\n`);
  return path;
};
