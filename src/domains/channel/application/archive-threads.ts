import { threadUpdated } from "../domain/thread-events";
import type { ChannelDeps } from "./channel-deps";

/** Threads archived per transaction by the job. */
const BATCH = 100;

/**
 * Archives every thread idle for its auto-archive duration (THREAD_UPDATE each), in batches, each batch with its
 * events in one transaction; resolves with how many were archived. Worker nodes run it; several may at once, since
 * each thread is taken by one of them only (ThreadRepository.archiveIdle).
 */
export const archiveIdleThreads = (deps: Pick<ChannelDeps, "unitOfWork" | "clock">) => async (): Promise<number> => {
  let total = 0;
  for (;;) {
    const archived = await deps.unitOfWork(async (repositories) => {
      const threads = await repositories.threads.archiveIdle(deps.clock.now(), BATCH);
      if (threads.length > 0) await repositories.record(threads.map(threadUpdated));
      return threads.length;
    });
    total += archived;
    if (archived < BATCH) return total;
  }
};

/** Runs `archive` every `intervalMs` on a worker node; resolves with the stopper. */
export const startThreadArchiver = (options: {
  readonly archive: () => Promise<number>;
  readonly intervalMs: number;
  readonly onError: (error: unknown) => void;
}): (() => void) => {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await options.archive();
    } catch (error) {
      options.onError(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
};
