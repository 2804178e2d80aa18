import type { Logger } from "../logger";

/**
 * Listeners of one SFU event. A listener that throws is logged and skipped, because the events come from
 * mediasoup's emitters, and one faulty listener must neither silence the others nor unwind mediasoup's code.
 */
export const createListenerSet = <Args extends unknown[]>(event: string, logger: Logger) => {
  const listeners: Array<(...args: Args) => void> = [];
  return {
    add(listener: (...args: Args) => void) {
      listeners.push(listener);
    },
    emit(...args: Args) {
      for (const listener of listeners) {
        try {
          listener(...args);
        } catch (error) {
          logger.error({ err: error, event }, "voice SFU listener failed");
        }
      }
    },
  };
};
