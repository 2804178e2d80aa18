import * as mediasoup from "mediasoup";
import type { types } from "mediasoup";
import { type Sfu, SfuUnavailableError, type SfuStatus } from "../../../domains/voice/domain/sfu";
import type { Logger } from "../logger";
import type { VoiceMetrics } from "../metrics";
import { createListenerSet } from "./listener-set";
import { type MediasoupRoom, openMediasoupRoom } from "./mediasoup-room";
import { createWorkerPool } from "./mediasoup-worker-pool";

export interface MediasoupSfuOptions {
  /** Workers to run (one per core); 0 turns voice off. */
  readonly workers: number;
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  /** Address transports bind. */
  readonly listenIp: string;
  /** Address given to clients; defaults to the listen IP, or loopback when that is a wildcard. */
  readonly announcedAddress?: string;
  /** The mediasoup-worker binary; defaults to mediasoup's (which honours MEDIASOUP_WORKER_BIN when mediasoup loads). */
  readonly workerBin?: string;
  readonly logger: Logger;
  readonly metrics?: VoiceMetrics;
}

/** The mediasoup adapter of the `Sfu` port, plus what its owner and its tests need. */
export interface MediasoupSfu extends Sfu {
  /** Starts the workers; never throws (see `status()` for why voice is off). */
  start(): Promise<void>;
  openRoom(roomId: string): Promise<MediasoupRoom>;
  /** The pid of each live worker, for diagnostics and tests. */
  workerPids(): number[];
}

const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::"]);
const loopbackFor = (listenIp: string) => (listenIp === "::" ? "::1" : "127.0.0.1");

/**
 * Transports listen on UDP and TCP in the configured range. A wildcard listen IP cannot be announced, so without
 * an announced address clients are told loopback: right for a laptop and for tests, wrong for anyone else.
 */
const listenInfos = (options: MediasoupSfuOptions): types.TransportListenInfo[] => {
  const wildcard = WILDCARD_ADDRESSES.has(options.listenIp);
  const announcedAddress = options.announcedAddress ?? (wildcard ? loopbackFor(options.listenIp) : undefined);
  const portRange = { min: options.rtcMinPort, max: options.rtcMaxPort };
  return (["udp", "tcp"] as const).map((protocol) => ({ protocol, ip: options.listenIp, announcedAddress, portRange }));
};

/** Creates the mediasoup SFU: rooms are routers spread over a pool of workers by load. */
export const createMediasoupSfu = (options: MediasoupSfuOptions): MediasoupSfu => {
  const { logger, metrics } = options;
  const rooms = new Map<string, MediasoupRoom>();
  const opening = new Map<string, Promise<MediasoupRoom>>();
  const roomLost = createListenerSet<[string]>("roomLost", logger);
  const settings = { listenInfos: listenInfos(options), logger, observeQuality: metrics?.observeVoiceQuality, onClose: forgetRoom };
  const pool = createWorkerPool({
    size: options.workers,
    workerBin: options.workerBin ?? mediasoup.workerBin,
    logger,
    onChange: () => metrics?.voiceWorkers.set(pool.live().length),
    onRestart: () => metrics?.voiceWorkerRestarts.inc(),
  });

  /** A closed router leaves the registry; when its worker died, the room's clients must be told to come back. */
  function forgetRoom(room: MediasoupRoom, workerDied: boolean): void {
    if (rooms.get(room.id) === room) rooms.delete(room.id);
    metrics?.voiceRooms.set(rooms.size);
    if (workerDied) {
      logger.warn({ roomId: room.id, pid: room.workerPid }, "voice room lost with its media worker");
      roomLost.emit(room.id);
    }
  }

  /** The live worker carrying the least load (rooms weighted by their producers and consumers). */
  const leastLoaded = (): types.Worker => {
    const workers = pool.live();
    if (workers.length === 0) throw new SfuUnavailableError(pool.status().detail ?? "no media worker is running");
    const load = new Map(workers.map((worker) => [worker.pid, 0]));
    for (const room of rooms.values()) if (load.has(room.workerPid)) load.set(room.workerPid, load.get(room.workerPid)! + room.load);
    return workers.reduce((best, worker) => (load.get(worker.pid)! < load.get(best.pid)! ? worker : best));
  };

  const open = async (roomId: string): Promise<MediasoupRoom> => {
    const worker = leastLoaded();
    const room = await openMediasoupRoom(roomId, worker, settings).catch((error: unknown) => {
      throw worker.closed ? new SfuUnavailableError(`media worker ${worker.pid} went away while opening the room`) : error;
    });
    if (room.closed) throw new SfuUnavailableError(`media worker ${worker.pid} went away while opening the room`);
    rooms.set(roomId, room);
    metrics?.voiceRooms.set(rooms.size);
    logger.debug({ roomId, pid: worker.pid }, "voice room opened");
    return room;
  };

  return {
    async start() {
      await pool.start();
      // Right for a laptop and for tests, so not a warning; whoever serves other machines reads how to change it.
      if (pool.status().state === "ready" && options.announcedAddress === undefined && WILDCARD_ADDRESSES.has(options.listenIp)) {
        logger.info(
          { announcedAddress: loopbackFor(options.listenIp) },
          "voice announces loopback: only clients on this machine can connect (set MEDIASOUP_ANNOUNCED_ADDRESS to serve others)",
        );
      }
    },

    status(): SfuStatus {
      return { ...pool.status(), rooms: rooms.size };
    },

    /** Concurrent and repeated opens of one room share its router until the room closes. */
    openRoom(roomId) {
      const existing = rooms.get(roomId);
      if (existing && !existing.closed) return Promise.resolve(existing);
      const pending = opening.get(roomId);
      if (pending) return pending;
      const promise = open(roomId).finally(() => opening.delete(roomId));
      opening.set(roomId, promise);
      return promise;
    },

    onRoomLost: roomLost.add,

    workerPids: () => pool.live().map((worker) => worker.pid),

    async close() {
      pool.close();
    },
  };
};
