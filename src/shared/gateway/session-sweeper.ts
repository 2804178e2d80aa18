import { CloseCode, HEARTBEAT_GRACE_FACTOR } from "./gateway-protocol";
import type { GatewaySession } from "./gateway-session";

export interface SweepTimeouts {
  readonly heartbeatIntervalMs: number;
  readonly identifyTimeoutMs: number;
}

/** Closes the sessions that never identified in time (4003) or stopped heartbeating (4009) as of `t`. */
export const closeStaleSessions = (sessions: Iterable<GatewaySession>, t: number, timeouts: SweepTimeouts): void => {
  const heartbeatDeadline = timeouts.heartbeatIntervalMs * HEARTBEAT_GRACE_FACTOR;
  for (const session of sessions) {
    if (!session.viewer && !session.authenticating && t - session.openedAt > timeouts.identifyTimeoutMs) {
      session.close(CloseCode.NotAuthenticated, "Not authenticated");
    } else if (t - session.lastHeartbeatAt > heartbeatDeadline) {
      session.close(CloseCode.SessionTimedOut, "Session timed out");
    }
  }
};

/**
 * One timer for the whole node, not one per connection: each tick lapses the reservations of upgrades that never
 * opened, then closes stale sessions. Returns the stopper.
 */
export const startSessionSweeper = (
  timeouts: SweepTimeouts,
  now: () => number,
  admission: { expireReservations(t: number): void },
  registry: { sessions(): Iterable<GatewaySession> },
): (() => void) => {
  const sweep = setInterval(
    () => {
      const t = now();
      admission.expireReservations(t);
      closeStaleSessions(registry.sessions(), t, timeouts);
    },
    Math.max(100, Math.min(timeouts.heartbeatIntervalMs, timeouts.identifyTimeoutMs) / 4),
  );
  sweep.unref?.();
  return () => clearInterval(sweep);
};
