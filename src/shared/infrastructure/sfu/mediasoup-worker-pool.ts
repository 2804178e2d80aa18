import * as mediasoup from "mediasoup";
import type { types } from "mediasoup";
import type { Logger } from "../logger";
import { workerBinaryProblem } from "./worker-binary";

/** First restart delay; each restart within the last minute doubles it. */
const RESTART_BASE_DELAY_MS = 250;
/** A slot restarts at most this many times per RESTART_WINDOW_MS, so a crash loop cannot eat the machine. */
const MAX_RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 60_000;

export interface WorkerPoolOptions {
  readonly size: number;
  readonly workerBin: string;
  readonly logger: Logger;
  /** Live workers changed (started, died, restarted, closed). */
  readonly onChange: () => void;
  /** A worker that had died runs again. */
  readonly onRestart: () => void;
}

export interface PoolStatus {
  readonly state: "starting" | "ready" | "unavailable";
  readonly workers: number;
  readonly detail?: string;
}

/** One position in the pool: the worker running there now (none while it is being restarted). */
interface Slot {
  readonly index: number;
  worker: types.Worker | undefined;
  restarts: number[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A fixed number of mediasoup workers (one per core). A worker that dies is replaced with backoff; start()
 * never throws: when no worker can run, the pool is `unavailable` and says why.
 */
export const createWorkerPool = (options: WorkerPoolOptions) => {
  const slots: Slot[] = Array.from({ length: options.size }, (_, index) => ({ index, worker: undefined, restarts: [], timer: undefined }));
  let phase: "idle" | "starting" | "started" | "closed" = "idle";
  let startProblem: string | undefined;
  const log = options.logger;
  /** A function, not an inline test, because `phase` changes while start() awaits. */
  const closed = () => phase === "closed";

  const live = (): types.Worker[] => slots.flatMap((slot) => (slot.worker && !slot.worker.closed ? [slot.worker] : []));

  const spawn = async (slot: Slot): Promise<void> => {
    const worker = await mediasoup.createWorker({ logLevel: "warn", workerBin: options.workerBin, appData: { slot: slot.index } });
    if (closed()) {
      worker.close();
      return;
    }
    slot.worker = worker;
    worker.on("died", (error) => onDied(slot, worker, error));
    log.info({ pid: worker.pid, slot: slot.index }, "mediasoup worker started");
    options.onChange();
  };

  const onDied = (slot: Slot, worker: types.Worker, error: Error) => {
    log.error({ err: error, pid: worker.pid, slot: slot.index }, "mediasoup worker died; its rooms are lost, restarting it");
    if (slot.worker === worker) slot.worker = undefined;
    options.onChange();
    scheduleRestart(slot);
  };

  /** Exponential backoff on the restarts of the last minute, and never more than the window allows. */
  const restartDelay = (slot: Slot, now: number): number => {
    slot.restarts = slot.restarts.filter((at) => now - at < RESTART_WINDOW_MS);
    const backoff = RESTART_BASE_DELAY_MS * 2 ** slot.restarts.length;
    if (slot.restarts.length < MAX_RESTARTS_PER_WINDOW) return backoff;
    return Math.max(backoff, slot.restarts[0]! + RESTART_WINDOW_MS - now);
  };

  const scheduleRestart = (slot: Slot) => {
    if (closed() || slot.timer) return;
    const delay = restartDelay(slot, Date.now());
    slot.timer = setTimeout(() => void restart(slot), delay);
    log.info({ slot: slot.index, delayMs: delay }, "mediasoup worker restart scheduled");
  };

  const restart = async (slot: Slot) => {
    slot.timer = undefined;
    slot.restarts.push(Date.now());
    try {
      await spawn(slot);
      options.onRestart();
    } catch (error) {
      log.error({ err: error, slot: slot.index }, "mediasoup worker restart failed");
      scheduleRestart(slot);
    }
  };

  return {
    /** Starts every worker; resolves (never rejects) once each has started or failed. */
    async start(): Promise<void> {
      if (phase !== "idle") return;
      if (options.size === 0) {
        startProblem = "MEDIASOUP_WORKERS=0";
        phase = "started";
        return;
      }
      // A worker that was never built is the zero-setup default, not a fault: the owner says once that voice is off.
      startProblem = workerBinaryProblem(options.workerBin);
      if (startProblem) {
        phase = "started";
        return;
      }
      phase = "starting";
      const results = await Promise.allSettled(slots.map(spawn));
      if (closed()) return;
      phase = "started";
      const failures = results.flatMap((result, index) => (result.status === "rejected" ? [{ index, reason: result.reason }] : []));
      if (failures.length === slots.length) {
        startProblem = `mediasoup worker failed to start: ${String(failures[0]?.reason)} (rebuild it: scripts/mediasoup/build-worker.sh)`;
        log.error({ err: failures[0]?.reason, workerBin: options.workerBin }, `voice is off: ${startProblem}`);
        return;
      }
      for (const failure of failures) {
        log.error({ err: failure.reason, slot: failure.index }, "mediasoup worker failed to start; retrying");
        scheduleRestart(slots[failure.index]!);
      }
    },

    live,

    status(): PoolStatus {
      const workers = live().length;
      if (phase === "idle" || phase === "starting") return { state: "starting", workers };
      if (phase === "closed") return { state: "unavailable", workers: 0, detail: "closed" };
      if (workers > 0) return { state: "ready", workers };
      return { state: "unavailable", workers, detail: startProblem ?? "every mediasoup worker died; restarting" };
    },

    /** Stops every worker and pending restart. */
    close(): void {
      phase = "closed";
      for (const slot of slots) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        slot.worker?.close();
        slot.worker = undefined;
      }
      options.onChange();
    },
  };
};

export type WorkerPool = ReturnType<typeof createWorkerPool>;
