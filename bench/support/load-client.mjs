/**
 * One load process of WebSocket clients, run under Node (whose `ws` can bind a loopback source address, so that
 * a run's connections spread over 127.0.0.2, 127.0.0.3, ... and do not exhaust one address's ephemeral ports).
 * It speaks one of three protocols: `xcord` (HELLO, IDENTIFY, READY, heartbeats), `raw` (the bare Bun baseline:
 * ready on open) and `socketio` (the Socket.IO baseline: JWT in the handshake, ready on its `ready` event).
 * It prints one JSON status line every `--report` ms; received messages whose content reads `#<tag> sent_at=<ms>`
 * count as deliveries: per tag, how many sessions got it and the longest delay, or with --samples every delay.
 * It exits when its stdin closes, so a dead parent never leaves it behind.
 *
 *   node bench/support/load-client.mjs --protocol xcord --url ws://127.0.0.1:3000/gateway --tokens FILE --count 5000
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { io } from "socket.io-client";
import WebSocket from "ws";

const { values } = parseArgs({
  options: {
    protocol: { type: "string", default: "xcord" },
    url: { type: "string" },
    tokens: { type: "string" },
    count: { type: "string", default: "1000" },
    ramp: { type: "string", default: "100" },
    "local-address": { type: "string", default: "127.0.0.1" },
    report: { type: "string", default: "1000" },
    samples: { type: "boolean", default: false },
  },
});
const tokens = values.tokens ? readFileSync(values.tokens, "utf8").split("\n").filter(Boolean) : [];
const count = Number(values.count);
const localAddress = values["local-address"];
const now = () => performance.timeOrigin + performance.now();
const TAGGED = /#(\S+) sent_at=([0-9.]+)/;

const status = { opened: 0, ready: 0, failed: 0, closed: 0, closeCodes: {} };
const connectMs = [];
let deliveries = new Map();
let samples = [];
const closers = [];

/** Counts a delivery if the content is tagged. */
const received = (content) => {
  const match = TAGGED.exec(String(content ?? ""));
  if (!match) return;
  const delay = now() - Number(match[2]);
  if (values.samples) return void samples.push(Math.round(delay * 100) / 100);
  const entry = deliveries.get(match[1]);
  if (entry) {
    entry[0]++;
    entry[1] = Math.max(entry[1], delay);
  } else deliveries.set(match[1], [1, delay]);
};

/** Settles the ramp slot once, and records the time to ready. */
const settler = (started, done) => {
  let settled = false;
  return (ok) => {
    if (settled) return;
    settled = true;
    if (ok) {
      status.ready++;
      connectMs.push(Math.round((now() - started) * 100) / 100);
    } else status.failed++;
    done();
  };
};

const closed = (code, settle) => {
  status.closed++;
  status.closeCodes[code] = (status.closeCodes[code] ?? 0) + 1;
  settle(false);
};

/** XCord: IDENTIFY on HELLO, heartbeats at 0.9 × the interval (jittered like real clients), ready on READY. */
const openXcord = (index, done) => {
  const settle = settler(now(), done);
  const socket = new WebSocket(values.url, { localAddress, perMessageDeflate: false });
  let seq = null;
  let timer;
  socket.on("open", () => status.opened++);
  socket.on("message", (data) => {
    const frame = JSON.parse(String(data));
    if (frame.s !== null) seq = frame.s;
    if (frame.op === 10) {
      socket.send(JSON.stringify({ op: 2, d: { token: tokens[index % tokens.length] } }));
      const interval = frame.d.heartbeat_interval;
      timer = setTimeout(() => {
        timer = setInterval(() => socket.send(JSON.stringify({ op: 1, d: seq })), interval * 0.9);
      }, Math.random() * interval * 0.5);
    } else if (frame.t === "READY") settle(true);
    else if (frame.t === "MESSAGE_CREATE") received(frame.d.content);
  });
  socket.on("error", () => {});
  socket.on("close", (code) => {
    clearTimeout(timer);
    clearInterval(timer);
    closed(code, settle);
  });
  closers.push(() => socket.terminate());
};

/** Bare baseline: no handshake beyond the upgrade; frames are `{ d: { content } }`. */
const openRaw = (_index, done) => {
  const settle = settler(now(), done);
  const socket = new WebSocket(values.url, { localAddress, perMessageDeflate: false });
  socket.on("open", () => {
    status.opened++;
    settle(true);
  });
  socket.on("message", (data) => received(JSON.parse(String(data)).d?.content));
  socket.on("error", () => {});
  socket.on("close", (code) => closed(code, settle));
  closers.push(() => socket.terminate());
};

/** Socket.IO baseline: WebSocket transport only, the JWT in `auth`; `ready` once the server joined the rooms. */
const openSocketIo = (index, done) => {
  const settle = settler(now(), done);
  const socket = io(values.url, {
    transports: ["websocket"],
    auth: { token: tokens[index % tokens.length] },
    localAddress,
    reconnection: false,
    forceNew: true,
    timeout: 60_000,
  });
  socket.on("connect", () => status.opened++);
  socket.on("ready", () => settle(true));
  socket.on("message", (message) => received(message.content));
  socket.on("connect_error", () => closed(0, settle));
  socket.on("disconnect", (reason) => closed(reason === "io server disconnect" ? 1 : 2, settle));
  closers.push(() => socket.disconnect());
};

const OPENERS = { xcord: openXcord, raw: openRaw, socketio: openSocketIo };
const open = OPENERS[values.protocol];
if (!open) throw new Error(`unknown protocol ${values.protocol}`);

const report = (extra = {}) => {
  const line = { ...status, deliveries: Object.fromEntries(deliveries), ...extra };
  if (values.samples) line.samples = samples;
  process.stdout.write(`${JSON.stringify(line)}\n`);
  deliveries = new Map();
  samples = [];
};
const reporter = setInterval(report, Number(values.report));

const shutdown = () => {
  clearInterval(reporter);
  for (const close of closers) close();
  process.exit(0);
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
process.stdin.on("end", shutdown);
process.stdin.resume();

let next = 0;
await Promise.all(
  Array.from({ length: Math.min(Number(values.ramp), count) }, async () => {
    while (next < count) await new Promise((done) => open(next++, done));
  }),
);
report({ event: "ramped", connectMs });
