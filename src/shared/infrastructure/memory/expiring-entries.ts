/**
 * Forgets the entries of `entries` that `expired` says are past `now()`, every `intervalMs`, so that keys nobody
 * reads again still free their memory. The timer is unref'd (it keeps no process alive); returns what stops it.
 */
export const sweepExpired = <V>(entries: Map<string, V>, expired: (value: V, now: number) => boolean, now: () => number, intervalMs = 10_000): (() => void) => {
  const sweeper = setInterval(() => {
    const at = now();
    for (const [key, value] of entries) if (expired(value, at)) entries.delete(key);
  }, intervalMs);
  sweeper.unref();
  return () => clearInterval(sweeper);
};
