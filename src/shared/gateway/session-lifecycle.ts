import type { Metrics } from "../infrastructure/metrics";
import type { ConnectionAdmission } from "./connection-admission";
import type { ConnectionEvents, GatewayConnection } from "./gateway-connection";
import type { PresenceTracker } from "./gateway-ports";
import { CloseCode, Op } from "./gateway-protocol";
import { GatewaySession, type SessionDeps } from "./gateway-session";
import type { ResumeStore } from "./resume-store";
import type { SessionRegistry } from "./session-registry";

export interface SessionLifecycleDeps {
  readonly sessions: SessionRegistry<GatewayConnection>;
  readonly admission: Pick<ConnectionAdmission, "opened" | "release">;
  /** Whether the node hears its event bus (see bus-health.ts). */
  readonly busUp: () => boolean;
  readonly handleFrame: (session: GatewaySession, raw: string | Buffer) => Promise<void>;
  /** What every session is given: one object for the node, not one per connection. */
  readonly sessionDeps: SessionDeps;
  readonly resume: ResumeStore;
  readonly presence: PresenceTracker;
  readonly metrics: Pick<Metrics, "gatewaySessions">;
  readonly heartbeatIntervalMs: number;
  readonly now: () => number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * A session's life on its socket: made and greeted (HELLO) when the socket opens, handed each frame while it is
 * live, and ended once when it closes or the node shuts down, leaving its resume record and presence behind.
 * One object for the node: every connection's events are these.
 */
export const createSessionLifecycle = (deps: SessionLifecycleDeps) => {
  const { sessions, admission, handleFrame, metrics, onError } = deps;

  const ended = async (session: GatewaySession, connection: GatewayConnection) => {
    admission.release(connection);
    session.closed = true;
    metrics.gatewaySessions.dec();
    const viewer = session.viewer;
    await session.detach();
    if (!viewer) return;
    sessions.unbindAuthSession(session, viewer.sessionId);
    if (session.superseded) return;
    const saved = Promise.all([deps.resume.save(session.id, session.record()), deps.presence.disconnected(viewer, session.id)]);
    // With the bus down the store is too, as a rule: the record of the last heartbeat stands, presence lapses by itself.
    await (deps.busUp() ? saved : saved.catch(() => undefined));
  };

  const events: ConnectionEvents = {
    open(connection, socket) {
      admission.opened(connection);
      const session = new GatewaySession(crypto.randomUUID().replaceAll("-", ""), socket, deps.sessionDeps, deps.now());
      connection.session = session;
      sessions.add(session, connection);
      metrics.gatewaySessions.inc();
      session.sendOp(Op.Hello, { heartbeat_interval: deps.heartbeatIntervalMs });
    },
    message(connection, message) {
      const session = connection.session;
      if (!session || !sessions.has(session)) return;
      handleFrame(session, message).catch((error: unknown) => {
        onError(error, { gatewaySession: session.id });
        session.close(CloseCode.UnknownError, "Unknown error");
      });
    },
    close(connection) {
      const session = connection.session;
      if (!session || !sessions.remove(session)) return;
      ended(session, connection).catch((error: unknown) => onError(error, { gatewaySession: session.id, what: "close" }));
    },
  };

  return {
    events,
    /** Graceful shutdown: op 7 RECONNECT to every client, then close; their sessions stay resumable elsewhere. */
    async endAll(): Promise<void> {
      const all = sessions.drain();
      await Promise.all(all.map(([session, connection]) => ended(session, connection)));
    },
  };
};
