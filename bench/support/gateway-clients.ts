/**
 * A load process of gateway clients, run as a child by benchmarks so client work does not share the node's
 * process. It opens `--count` sessions with the tokens in `--tokens` (one per line, used round-robin), keeps them
 * alive with heartbeats, and prints one JSON status line a second to stdout. With `--watch EVENT`, it reports,
 * for each such dispatch, `[payload id, delay]`: the delay since the `sent_at` (epoch ms, fractional) found in
 * the payload's content.
 *
 *   bun bench/support/gateway-clients.ts --url ws://127.0.0.1:3000/gateway --tokens FILE --count 5000
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    tokens: { type: "string" },
    count: { type: "string", default: "1000" },
    ramp: { type: "string", default: "200" },
    watch: { type: "string" },
  },
});
const url = values.url!;
const tokens = readFileSync(values.tokens!, "utf8").split("\n").filter(Boolean);
const count = Number(values.count);
const rampConcurrency = Number(values.ramp);
const now = () => performance.timeOrigin + performance.now();

const status = { opened: 0, ready: 0, failed: 0, closed: 0, closeCodes: {} as Record<number, number> };
let delays: Array<[string, number]> = [];
const sockets: WebSocket[] = [];

/** Opens one session and resolves when READY arrives (or it fails). */
const openSession = (index: number) =>
  new Promise<void>((done) => {
    const socket = new WebSocket(url);
    sockets.push(socket);
    let timer: Timer | undefined;
    let seq: number | null = null;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        done();
      }
    };
    socket.onopen = () => status.opened++;
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as { op: number; d: any; s: number | null; t: string | null };
      if (frame.s !== null) seq = frame.s;
      if (frame.op === 10) {
        socket.send(JSON.stringify({ op: 2, d: { token: tokens[index % tokens.length] } }));
        // Jittered like real clients, so heartbeats do not arrive in one burst.
        const interval = frame.d.heartbeat_interval as number;
        setTimeout(() => {
          timer = setInterval(() => socket.send(JSON.stringify({ op: 1, d: seq })), interval * 0.9);
        }, Math.random() * interval * 0.5);
      } else if (frame.t === "READY") {
        status.ready++;
        settle();
      } else if (values.watch && frame.t === values.watch) {
        const sentAt = Number(/sent_at=([0-9.]+)/.exec(String(frame.d?.content ?? ""))?.[1]);
        if (Number.isFinite(sentAt)) delays.push([String(frame.d.id), now() - sentAt]);
      }
    };
    socket.onclose = (event) => {
      clearInterval(timer);
      status.closed++;
      status.closeCodes[event.code] = (status.closeCodes[event.code] ?? 0) + 1;
      if (!settled) status.failed++;
      settle();
    };
  });

const report = () => {
  process.stdout.write(`${JSON.stringify({ ...status, delays })}\n`);
  delays = [];
};
const reporter = setInterval(report, values.watch ? 250 : 1000);

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(rampConcurrency, count) }, async () => {
    while (next < count) await openSession(next++);
  }),
);
report();
process.stdout.write(`${JSON.stringify({ event: "ramped", ...status })}\n`);

const shutdown = () => {
  clearInterval(reporter);
  report();
  for (const socket of sockets) socket.close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
