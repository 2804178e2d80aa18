/** Turns bun test's JUnit report and console summary into pass/fail counts. */
import { readFileSync } from "node:fs";

/** Counted outcome of one bun test run. */
export interface Counts {
  passed: number;
  failed: number;
}

/** Numbers from the `<testsuites ...>` element of bun's JUnit report (null when absent/unreadable). */
export function readJunit(path: string): Counts | null {
  let xml: string;
  try {
    xml = readFileSync(path, "utf8");
  } catch {
    return null;
  }
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0];
  if (!root) return null;
  const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
  const failed = attr("failures") + attr("errors");
  return { passed: Math.max(0, attr("tests") - failed - attr("skipped")), failed };
}

/** Numbers from bun's closing summary (` 12 pass`, ` 1 fail`), else from `(pass)`/`(fail)` lines; null when neither. */
export function readSummary(output: string): Counts | null {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, "");
  const last = (word: string) => {
    const hits = [...plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\s*$`, "gm"))];
    const hit = hits.at(-1);
    return hit ? Number(hit[1]) : null;
  };
  const pass = last("pass");
  const fail = last("fail");
  if (pass !== null || fail !== null) return { passed: pass ?? 0, failed: fail ?? 0 };
  // Interrupted before the summary: count the per-test result lines instead (plain or coloured marks).
  const lines = (marks: string[]) => plain.split("\n").filter((line) => marks.some((m) => line.startsWith(`${m} `))).length;
  const counted = { passed: lines(["(pass)", "\u2713"]), failed: lines(["(fail)", "\u2717"]) };
  return counted.passed + counted.failed > 0 ? counted : null;
}

/**
 * Combine both sources. JUnit is the primary record of test cases, but it omits files that
 * failed to load (bun reports those as "Unhandled error between tests" and counts them in the
 * summary's `fail`), so the failure count is the larger of the two.
 */
export function countResults(junitPath: string, output: string): Counts {
  const junit = readJunit(junitPath);
  const summary = readSummary(output);
  return {
    passed: junit?.passed ?? summary?.passed ?? 0,
    failed: Math.max(junit?.failed ?? 0, summary?.failed ?? 0),
  };
}
