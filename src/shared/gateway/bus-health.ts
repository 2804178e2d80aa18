import type { PubSub } from "../kernel/ports";
import type { Logger } from "../infrastructure/logger";

/** What the watcher asks of the node's sessions when the bus drops. */
export interface ReconnectableSessions {
  readonly size: number;
  /** Tells every client to reconnect (op 7) and closes its socket. */
  reconnectAll(): void;
}

/**
 * Whether this node hears the bus. When its subscription drops, events published meanwhile never reach it, so
 * every client is told to reconnect (op 7) and RESUME, which replays its buffer and catches up from the durable
 * stream; until the bus is back, the gateway refuses new connections rather than serve them half-deaf.
 */
export const watchEventBus = (pubSub: PubSub, logger: Logger, sessions: ReconnectableSessions) => {
  let up = true;
  const stopWatching = pubSub.onConnectionChange?.((connected) => {
    const wasUp = up;
    up = connected;
    if (connected) return void (wasUp || logger.info("gateway: event bus back; accepting connections"));
    logger.warn({ sessions: sessions.size }, "gateway: event bus lost; asking every client to reconnect and resume");
    sessions.reconnectAll();
  });
  return {
    /** False from the moment the bus drops until it is back. */
    isUp: (): boolean => up,
    stop(): void {
      stopWatching?.();
    },
  };
};

export type BusHealth = ReturnType<typeof watchEventBus>;
