/**
 * Client load spread over several Node processes (bench/support/load-client.mjs), each binding its own loopback
 * source address (127.0.0.2, 127.0.0.3, ...), with the sessions and tokens split evenly between them.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnTracked, stopChild } from "./processes";

const CLIENT = resolve(import.meta.dir, "load-client.mjs");
/** Sessions one client process opens at most: well within its 20,000 open files. */
export const SESSIONS_PER_CLIENT_PROCESS = 12_500;

export type Protocol = "xcord" | "raw" | "socketio";

export interface LoadOptions {
  readonly protocol: Protocol;
  readonly url: string;
  readonly tokens?: readonly string[];
  readonly count: number;
  /** Client processes; by default one per SESSIONS_PER_CLIENT_PROCESS sessions, at least 2. */
  readonly processes?: number;
  /** Handshakes in flight per client process. */
  readonly ramp?: number;
  /** Report every delivery delay, not only the longest per message. */
  readonly samples?: boolean;
  readonly reportMs?: number;
}

interface StatusLine {
  event?: string;
  opened: number;
  ready: number;
  failed: number;
  closed: number;
  closeCodes: Record<string, number>;
  deliveries: Record<string, [number, number]>;
  samples?: number[];
  connectMs?: number[];
}

export interface Load {
  /** Resolves when every process finished its ramp (or died). */
  readonly ramped: Promise<void>;
  readonly processes: number;
  total(field: "opened" | "ready" | "failed" | "closed"): number;
  closeCodes(): Record<string, number>;
  /** Per message tag: sessions that received it and the longest delay (ms), across all processes. */
  readonly deliveries: Map<string, { count: number; max: number }>;
  /** Delivery delays received since the last call (with `samples`). */
  takeSamples(): number[];
  /** Time from connect to ready of every session, once ramped. */
  connectMs(): number[];
  stop(): Promise<void>;
}

/** The loopback source address of client process `index`: 127.0.0.2 and up. */
const sourceAddress = (index: number) => `127.0.${Math.floor((index + 2) / 256)}.${(index + 2) % 256}`;

/** Starts the client processes; each session opens as soon as the process gets to it. */
export const startLoad = (options: LoadOptions): Load => {
  const processes = options.processes ?? Math.max(2, Math.ceil(options.count / SESSIONS_PER_CLIENT_PROCESS));
  const per = Math.ceil(options.count / processes);
  const statuses: StatusLine[] = [];
  const deliveries = new Map<string, { count: number; max: number }>();
  let samples: number[] = [];
  const connect: number[] = [];
  const children = Array.from({ length: processes }, (_, index) => {
    const share = Math.max(0, Math.min(per, options.count - index * per));
    const args = ["--protocol", options.protocol, "--url", options.url, "--count", String(share), "--local-address", sourceAddress(index)];
    if (options.tokens) {
      const file = join(tmpdir(), `xcord-bench-tokens-${process.pid}-${index}`);
      writeFileSync(file, options.tokens.slice(index * per, index * per + share).join("\n"));
      args.push("--tokens", file);
    }
    if (options.ramp) args.push("--ramp", String(options.ramp));
    if (options.samples) args.push("--samples");
    if (options.reportMs) args.push("--report", String(options.reportMs));
    return spawnTracked(["node", CLIENT, ...args], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  });
  const take = (index: number, line: StatusLine) => {
    statuses[index] = line;
    for (const [tag, [count, max]] of Object.entries(line.deliveries)) {
      const entry = deliveries.get(tag);
      if (entry) {
        entry.count += count;
        entry.max = Math.max(entry.max, max);
      } else deliveries.set(tag, { count, max });
    }
    if (line.samples) samples.push(...line.samples);
    if (line.connectMs) connect.push(...line.connectMs);
  };
  const ramped = Promise.all(children.map((child, index) => readLines(child.stdout as ReadableStream<Uint8Array>, (line) => take(index, line)))).then(() => {});
  const stop = async () => void (await Promise.all(children.map((child) => stopChild(child, 5000))));
  return {
    ramped,
    processes,
    total: (field) => statuses.reduce((sum, status) => sum + (status?.[field] ?? 0), 0),
    closeCodes: () => {
      const codes: Record<string, number> = {};
      for (const status of statuses) for (const [code, n] of Object.entries(status?.closeCodes ?? {})) codes[code] = (codes[code] ?? 0) + n;
      return codes;
    },
    deliveries,
    takeSamples: () => {
      const taken = samples;
      samples = [];
      return taken;
    },
    connectMs: () => connect,
    stop,
  };
};

/**
 * Reads a client's status lines to the end (a client writing to a pipe nobody reads would block), resolving at its
 * "ramped" line or when it exits.
 */
const readLines = (stream: ReadableStream<Uint8Array>, onLine: (line: StatusLine) => void) =>
  new Promise<void>((ramped) => {
    void (async () => {
      let buffer = "";
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        buffer += decoder.decode(chunk, { stream: true });
        const lines = buffer.split("\n");
        buffer = lines.pop() ?? "";
        for (const text of lines) {
          if (!text.trim()) continue;
          const line = JSON.parse(text) as StatusLine;
          onLine(line);
          if (line.event === "ramped") ramped();
        }
      }
      ramped();
    })();
  });

/** Waits for `load` to finish its ramp, saying how many of `size` sessions are online every half second; returns them. */
export const waitOnline = async (load: Load, size: number, say: (message: string) => void, label: string): Promise<number> => {
  const ticker = setInterval(() => say(`${label} ${size}: ${load.total("ready")}/${size} online`), 500);
  try {
    await load.ramped;
  } finally {
    clearInterval(ticker);
  }
  return load.total("ready");
};
