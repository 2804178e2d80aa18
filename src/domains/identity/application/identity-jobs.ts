/**
 * Purges expired tokens and dead sessions every `intervalMs` (worker nodes run it); failures go to `onError`.
 * Returns the stopper.
 */
export const startSessionPurge = (deps: {
  readonly purgeSessions: () => Promise<unknown>;
  readonly intervalMs: number;
  readonly onError: (error: unknown) => void;
}): (() => void) => {
  const timer = setInterval(() => void deps.purgeSessions().catch(deps.onError), deps.intervalMs);
  timer.unref?.();
  return () => clearInterval(timer);
};
