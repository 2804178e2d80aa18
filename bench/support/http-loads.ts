/** HTTP load spread over several Bun processes (bench/support/http-load.ts), so the load does not share one core. */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnTracked } from "./processes";
import { latencySummary } from "./report";

const WORKER = resolve(import.meta.dir, "http-load.ts");

export interface HttpLoadOptions {
  readonly mode: "read" | "send";
  readonly base: string;
  readonly channels: readonly string[];
  readonly tokens: readonly string[];
  /** Requests in flight, in all. */
  readonly concurrency: number;
  readonly seconds: number;
  readonly processes?: number;
}

/** Runs the load to its end; successes per second and their latency. */
export const runHttpLoad = async (options: HttpLoadOptions) => {
  const processes = options.processes ?? 2;
  const tokenFile = join(tmpdir(), `xcord-bench-http-tokens-${process.pid}`);
  writeFileSync(tokenFile, options.tokens.join("\n"));
  const started = performance.now();
  const outputs = await Promise.all(
    Array.from({ length: processes }, async () => {
      const args = ["--mode", options.mode, "--base", options.base, "--channels", options.channels.join(","), "--tokens", tokenFile];
      args.push("--concurrency", String(Math.max(1, Math.round(options.concurrency / processes))), "--seconds", String(options.seconds));
      const child = spawnTracked([process.execPath, WORKER, ...args], { stdin: "ignore", stdout: "pipe", stderr: "inherit" });
      const text = await new Response(child.stdout as ReadableStream<Uint8Array>).text();
      return JSON.parse(text) as { ok: number; errors: number; latencies: number[] };
    }),
  );
  const elapsed = Math.max(options.seconds, (performance.now() - started) / 1000);
  const latencies = outputs.flatMap((output) => output.latencies);
  return {
    ok: latencies.length,
    errors: outputs.reduce((sum, output) => sum + output.errors, 0),
    perSecond: Math.round(latencies.length / elapsed),
    latencyMs: latencySummary(latencies),
  };
};
