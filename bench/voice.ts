/**
 * How many audio consumers one mediasoup worker (one core) forwards with packet loss under 1%.
 *
 * One worker, one router configured like a voice room (Opus, audio-level observer). One producer on a comedia
 * PlainTransport is fed synthetic Opus RTP from this process (20 ms packets, 160-byte payloads: 64 kbps, with the
 * audio-level header extension browsers send). N consumers, each on its own PlainTransport with SRTP (the per-packet
 * encryption a WebRTC transport pays), send to UDP sockets in a receiver process that counts every stream by RTP
 * sequence numbers, late packets counting as lost. N steps up until loss reaches 1% or the worker's core saturates,
 * then bisects the last gap; each step warms up, then measures loss, worker CPU (/proc/<pid>/stat) and packets
 * forwarded. The answer is the largest N under 1% loss.
 * Loopback only; no browser, database or server.
 *
 *   bun run bench voice [--steps 50,100,200,400,800,1600,3200,6400] [--refine 2] [--warmup 2] [--measure 5]
 *                       [--sockets 8] [--srtp AES_CM_128_HMAC_SHA1_80|AEAD_AES_128_GCM|none] [--limit-seconds 300]
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { types } from "mediasoup";
import { onCleanup, runBounded, spawnTracked } from "./support/processes";
import { printTable, progress, writeResult } from "./support/report";
import { runQueueSeconds, socketDrops, workerCpuSeconds } from "./support/voice-proc";
import { addConsumers, type BenchConsumer, PORT_RANGE, removeConsumers, SRTP_KEY_BYTES, startProducer, startRouter } from "./support/voice-room";
import { PACKET_MS, PAYLOAD_BYTES, type RtpSender, startRtpSender } from "./support/voice-rtp";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "50,100,200,400,800,1600,3200,6400" },
    warmup: { type: "string", default: "2" },
    measure: { type: "string", default: "5" },
    sockets: { type: "string", default: "8" },
    srtp: { type: "string", default: "AES_CM_128_HMAC_SHA1_80" },
    refine: { type: "string", default: "2" },
    "limit-seconds": { type: "string", default: "300" },
  },
});
const STEPS = values.steps.split(",").map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const WARMUP_MS = Number(values.warmup) * 1000;
const MEASURE_MS = Number(values.measure) * 1000;
/** Extra steps that halve the gap between the last passing and the first failing step. */
const REFINE = Number(values.refine);
const REFINE_GRAIN = 50;
/** Longest wait for the worker to flush a backlog between steps. */
const DRAIN_LIMIT_MS = 10_000;
const SRTP = values.srtp === "none" ? undefined : (values.srtp as types.SrtpCryptoSuite);
if (SRTP && !(SRTP in SRTP_KEY_BYTES)) throw new Error(`--srtp: expected none or one of ${Object.keys(SRTP_KEY_BYTES).join(", ")}`);
const RECEIVER = resolve(import.meta.dir, "support/voice-receiver.ts");

const MAX_LOSS = 0.01;
/** A single-threaded worker at this share of a core has no headroom left. */
const SATURATED_CPU = 0.95;

interface Snapshot {
  readonly streams: Map<number, { highest: number; received: number }>;
  readonly cpuMicros: number;
}

interface StepResult {
  consumers: number;
  lossPercent: number;
  workerCpuPercent: number;
  /** Time the worker was runnable but another process had the core: loss with CPU to spare comes from here. */
  workerWaitingPercent: number;
  forwardedPerSecond: number;
  receiverCpuPercent: number;
  receiverSocketDrops: number;
}

/** The receiver process, and a way to ask it for its counters. */
const startReceiver = async (sockets: number) => {
  let onReady: (ports: number[]) => void = () => {};
  const pending: Array<(snapshot: Snapshot) => void> = [];
  const child = spawnTracked([process.execPath, "run", RECEIVER, String(sockets)], {
    stdio: ["ignore", "inherit", "inherit"],
    ipc(message: { type: string; ports?: number[]; streams?: Array<[number, number, number]>; cpuMicros?: number }) {
      if (message.type === "ready") onReady(message.ports!);
      if (message.type === "snapshot") {
        const streams = new Map(message.streams!.map(([ssrc, highest, received]) => [ssrc, { highest, received }]));
        pending.shift()?.({ streams, cpuMicros: message.cpuMicros! });
      }
    },
  });
  const ready = new Promise<number[]>((resolve) => (onReady = resolve));
  const died = child.exited.then((code) => Promise.reject(new Error(`the receiver process exited with code ${code}`)));
  died.catch(() => {}); // once running, it exits only when the run cleans up
  const ports = await Promise.race([ready, died]);
  const snapshot = () =>
    new Promise<Snapshot>((resolve) => {
      pending.push(resolve);
      child.send({ type: "snapshot" });
    });
  return { ports, snapshot };
};

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * Loss per stream by sequence numbers, counting late packets as lost (real-time audio has no use for them):
 * a stream should advance by every packet sent in the window; one packet of slack covers a send tick that falls
 * between reading the sender's count and the receiver's snapshot. A worker that falls behind real time shows
 * here before its input buffer overflows and the gaps show as RTCP-style loss.
 */
const lossBetween = (before: Snapshot, after: Snapshot, consumers: readonly BenchConsumer[], sentInWindow: number) => {
  let expected = 0;
  let lost = 0;
  let received = 0;
  for (const { ssrc } of consumers) {
    const start = before.streams.get(ssrc);
    const end = after.streams.get(ssrc);
    const got = (end?.received ?? 0) - (start?.received ?? 0);
    const advanced = start && end ? end.highest - start.highest : 0;
    const streamExpected = Math.max(advanced, sentInWindow - 1);
    expected += streamExpected;
    lost += Math.max(0, streamExpected - got);
    received += got;
  }
  return { loss: expected > 0 ? lost / expected : 0, received };
};

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

const totalReceived = (snapshot: Snapshot) => [...snapshot.streams.values()].reduce((sum, stream) => sum + stream.received, 0);

/** With the sender paused, waits until nothing more arrives: the worker has no backlog left from the last step. */
const drain = async (receiver: Receiver) => {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  let last = totalReceived(await receiver.snapshot());
  while (Date.now() < deadline) {
    await Bun.sleep(250);
    const now = totalReceived(await receiver.snapshot());
    if (now === last) return;
    last = now;
  }
};

interface Setup {
  readonly router: types.Router;
  readonly producer: types.Producer;
  readonly workerPid: number;
  readonly sender: RtpSender;
  readonly receiver: Receiver;
}

/** Starts each step from an idle worker, brings the consumers to `target`, warms up, then measures one window. */
const measureStep = async (setup: Setup, consumers: BenchConsumer[], target: number): Promise<StepResult> => {
  const { sender, receiver, workerPid } = setup;
  sender.pause();
  await drain(receiver);
  removeConsumers(consumers, target);
  await addConsumers(setup.router, setup.producer, receiver.ports, consumers, target, SRTP);
  sender.resume();
  progress("voice", `${target} consumers: warming up`);
  await Bun.sleep(WARMUP_MS);
  const mark = async () => {
    const sent = sender.sent; // read first at both ends of the window, so the offsets cancel
    const at = performance.now();
    const [cpu, waited, drops] = [workerCpuSeconds(workerPid), runQueueSeconds(workerPid), socketDrops(receiver.ports)];
    return { sent, at, cpu, waited, drops, snapshot: await receiver.snapshot() };
  };
  const start = await mark();
  progress("voice", `${target} consumers: measuring for ${MEASURE_MS / 1000} s`);
  await Bun.sleep(MEASURE_MS);
  const end = await mark();
  const seconds = (end.at - start.at) / 1000;
  const percentOfWindow = (from: number, to: number) => round(((to - from) / seconds) * 100);
  const { loss, received } = lossBetween(start.snapshot, end.snapshot, consumers, end.sent - start.sent);
  return {
    consumers: target,
    lossPercent: round(loss * 100, 3),
    workerCpuPercent: percentOfWindow(start.cpu, end.cpu),
    workerWaitingPercent: percentOfWindow(start.waited, end.waited),
    forwardedPerSecond: Math.round(received / seconds),
    receiverCpuPercent: percentOfWindow(start.snapshot.cpuMicros / 1e6, end.snapshot.cpuMicros / 1e6),
    receiverSocketDrops: end.drops - start.drops,
  };
};

const passes = (result: StepResult) => result.lossPercent < MAX_LOSS * 100;

/**
 * Consumers per 100% of a core, from the passing step that used the most worker CPU (fixed costs weigh least
 * there). On a busy machine the worker waits for its core and loses packets before it saturates; this says what
 * the same work would fit in a core of its own.
 */
const projectPerCore = (results: readonly StepResult[]): number => {
  const busiest = results.filter(passes).reduce<StepResult | undefined>((best, r) => (!best || r.workerCpuPercent > best.workerCpuPercent ? r : best), undefined);
  return busiest && busiest.workerCpuPercent > 0 ? Math.round((busiest.consumers * 100) / busiest.workerCpuPercent / 50) * 50 : 0;
};

/** Steps up through STEPS until loss reaches 1% or the worker saturates; then halves the gap REFINE times. */
const findLimit = async (measure: (consumers: number) => Promise<StepResult>): Promise<StepResult[]> => {
  const results: StepResult[] = [];
  const run = async (consumers: number) => {
    const result = await measure(consumers);
    results.push(result);
    progress("voice", `${consumers} consumers: ${result.lossPercent}% loss, worker ${result.workerCpuPercent}% CPU\n`);
    return result;
  };
  let good = 0;
  let bad: number | undefined;
  for (const consumers of STEPS.filter((n) => n <= PORT_RANGE.max - PORT_RANGE.min)) {
    const result = await run(consumers);
    if (!passes(result)) {
      bad = consumers;
      break;
    }
    good = consumers;
    if (result.workerCpuPercent >= SATURATED_CPU * 100) break;
  }
  for (let i = 0; i < REFINE && bad !== undefined; i++) {
    const middle = Math.round((good + bad) / 2 / REFINE_GRAIN) * REFINE_GRAIN;
    if (middle <= good || middle >= bad) break;
    if (passes(await run(middle))) good = middle;
    else bad = middle;
  }
  return results.sort((a, b) => a.consumers - b.consumers);
};

await runBounded("voice", Number(values["limit-seconds"]), async () => {
  const loadAverageAtStart = round(loadavg()[0]!, 2);
  const { worker, router, audioLevels } = await startRouter();
  const { producer, port } = await startProducer(router, audioLevels);
  const sender = startRtpSender(port);
  onCleanup(async () => sender.close());
  const receiver = await startReceiver(Number(values.sockets));
  const setup: Setup = { router, producer, workerPid: worker.pid, sender, receiver };
  const consumers: BenchConsumer[] = [];
  const results = await findLimit((target) => measureStep(setup, consumers, target));
  const sustained = results.filter(passes).at(-1)?.consumers ?? 0;
  const projectedPerCore = projectPerCore(results);
  printTable(
    results.map((result) => ({
      consumers: result.consumers,
      "loss %": result.lossPercent,
      "worker CPU %": result.workerCpuPercent,
      "worker waiting %": result.workerWaitingPercent,
      "packets/s forwarded": result.forwardedPerSecond,
      "receiver CPU %": result.receiverCpuPercent,
      "receiver socket drops": result.receiverSocketDrops,
    })),
  );
  console.log(`\nconsumers one worker (one core) sustains under ${MAX_LOSS * 100}% loss: ${sustained}`);
  console.log(`projection from worker CPU time, if the worker had its core to itself: ~${projectedPerCore} consumers per core`);
  const parameters = {
    steps: STEPS,
    refine: REFINE,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    srtp: SRTP ?? "none",
    packetMs: PACKET_MS,
    payloadBytes: PAYLOAD_BYTES,
    loadAverageAtStart,
    loadAverageAtEnd: round(loadavg()[0]!, 2),
  };
  const files = writeResult("voice", parameters, { maxConsumersUnder1PercentLoss: sustained, projectedConsumersPerCore: projectedPerCore, steps: results });
  console.log(`results: ${files.join(", ")}`);
});
