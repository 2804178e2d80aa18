/**
 * Group commit: writes submitted while earlier ones are in flight are committed together, as one statement, when a
 * slot frees up. Under light load every write goes at once, alone; under load, writes that would each have been a
 * statement, a socket write and a server wake-up share one. A failed batch (one write breaking a constraint fails
 * them all, atomically) is retried write by write, so each caller gets its own answer.
 */
export const createGroupCommit = <T>(options: {
  /** Commits the writes as one unit: all or none. */
  readonly commit: (writes: readonly T[]) => Promise<void>;
  /** Batches in flight at once (the connections they run on). */
  readonly inFlight: number;
  /** Writes per batch at most. */
  readonly maxBatch: number;
}): ((write: T) => Promise<void>) => {
  const queue: Array<{ readonly write: T; readonly done: (error?: unknown) => void }> = [];
  let running = 0;

  const settleAlone = (entry: (typeof queue)[number]) =>
    options.commit([entry.write]).then(
      () => entry.done(),
      (error: unknown) => entry.done(error ?? new Error("commit failed")),
    );

  const pump = () => {
    while (running < options.inFlight && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      running++;
      const settled =
        batch.length === 1
          ? settleAlone(batch[0]!)
          : options.commit(batch.map((entry) => entry.write)).then(
              () => batch.forEach((entry) => entry.done()),
              () => Promise.all(batch.map(settleAlone)),
            );
      void settled.finally(() => {
        running--;
        pump();
      });
    }
  };

  return (write) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ write, done: (error) => (error === undefined ? resolve() : reject(error)) });
      pump();
    });
};
