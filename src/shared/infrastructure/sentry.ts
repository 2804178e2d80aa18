/** Error tracking; a no-op unless SENTRY_DSN is set. */
export interface ErrorTracker {
  /** Sends an unexpected error with the request's context. */
  capture(error: unknown, context?: { requestId?: string; userId?: string; route?: string }): void;
  flush(timeoutMs?: number): Promise<void>;
}

const noopTracker: ErrorTracker = { capture: () => {}, flush: async () => {} };

/** The Sentry client loads only when a DSN is set: it is a third of a second of every start otherwise. */
export const createErrorTracker = async (options: { dsn: string | undefined; environment: string; release?: string }): Promise<ErrorTracker> => {
  if (!options.dsn) return noopTracker;
  const Sentry = await import("@sentry/bun");
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    tracesSampleRate: 0,
    defaultIntegrations: false,
    // Only what we capture by hand: no request bodies or headers (they may hold passwords or tokens).
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.dedupeIntegration()],
  });
  return {
    capture(error, context = {}) {
      Sentry.withScope((scope) => {
        if (context.requestId) scope.setTag("request_id", context.requestId);
        if (context.route) scope.setTag("route", context.route);
        if (context.userId) scope.setUser({ id: context.userId });
        Sentry.captureException(error);
      });
    },
    async flush(timeoutMs = 2000) {
      await Sentry.flush(timeoutMs);
    },
  };
};
