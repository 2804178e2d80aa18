/**
 * Where the time goes, from a Chrome-format `.cpuprofile` (Bun's --cpu-prof): self time per function and per area
 * (XCord's own directories, each dependency), as shares of the samples taken while the process was busy.
 *
 *   bun bench/support/profile.ts FILE.cpuprofile
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { printTable } from "./report";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  /** Share of busy samples, in percent. */
  readonly percent: number;
}

export interface ProfileSummary {
  readonly busySamples: number;
  readonly functions: readonly ProfileShare[];
  readonly areas: readonly ProfileShare[];
}

const IDLE = new Set(["(idle)", "(program)", "(garbage collector)"]);

/** The area a function belongs to: `src/<dir>/<dir>` for XCord, the package for a dependency, else its kind. */
const areaOf = (url: string, name: string): string => {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (dependency) return dependency;
  const own = /\/src\/((?:[^/]+\/){1,2})/.exec(url)?.[1];
  if (own) return `src/${own.replace(/\/$/, "")}`;
  if (name === "(garbage collector)") return "(garbage collector)";
  return url ? "bun runtime (JS)" : "native / builtins";
};

const top = (counts: Map<string, number>, total: number, limit: number): ProfileShare[] =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, count]) => ({ name, percent: Math.round((count / total) * 1000) / 10 }));

/** Self time by function and by area; idle and program samples are left out. */
export const summarizeProfile = (path: string, limit = 15): ProfileSummary => {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  for (const id of profile.samples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) continue;
    busy++;
    const where = frame.url ? `${frame.url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${frame.lineNumber + 1}` : "native";
    const name = `${frame.functionName || "(anonymous)"} ${where}`;
    functions.set(name, (functions.get(name) ?? 0) + 1);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + 1);
  }
  return { busySamples: busy, functions: top(functions, busy, limit), areas: top(areas, busy, limit) };
};

/**
 * Bun's CPU profiler for XCord's nodes when `enabled`: the `bun` arguments each system starts with, and, once the
 * profiled nodes have stopped (profiles are written on exit), a summary per node.
 */
export const cpuProfiling = (enabled: boolean) => {
  const dir = enabled ? mkdtempSync(join(tmpdir(), "xcord-bench-prof-")) : undefined;
  return {
    enabled,
    bunArgs: (system: string): string[] => (dir && system === "xcord" ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : []),
    summaries: (): ProfileSummary[] | undefined => (dir ? readdirSync(dir).map((file) => summarizeProfile(join(dir, file))) : undefined),
  };
};

/** Prints where each node's time went: the top areas and the top `functions` functions. */
export const printProfiles = (summaries: readonly ProfileSummary[] | undefined, functions: number): void => {
  for (const [i, summary] of (summaries ?? []).entries()) {
    console.log(`\nXCord node ${i + 1}: where the time went (self time, share of busy samples)`);
    printTable(summary.areas.slice(0, 10).map((area) => ({ area: area.name, "%": area.percent })));
    printTable(summary.functions.slice(0, functions).map((fn) => ({ function: fn.name, "%": fn.percent })));
  }
};

if (import.meta.main) {
  const summary = summarizeProfile(process.argv[2]!, 25);
  console.log(`busy samples: ${summary.busySamples}\n\nareas:`);
  for (const share of summary.areas) console.log(`${String(share.percent).padStart(5)}%  ${share.name}`);
  console.log("\nfunctions (self time):");
  for (const share of summary.functions) console.log(`${String(share.percent).padStart(5)}%  ${share.name}`);
}
