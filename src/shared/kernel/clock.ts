/** The time source of domain code, so that tests can control it. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests. */
export const createManualClock = (start = Date.UTC(2026, 10, 21)) => {
  let current = start;
  return {
    now: () => current,
    set: (ms: number) => void (current = ms),
    advance: (ms: number) => void (current += ms),
  };
};
