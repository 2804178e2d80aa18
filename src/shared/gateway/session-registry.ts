import { CloseCode, Op } from "./gateway-protocol";
import type { GatewaySession } from "./gateway-session";
import type { ResumeStore } from "./resume-store";

/** Op 7 RECONNECT, then close: the client comes back and RESUMEs, here or on another node. */
const askToReconnect = (session: GatewaySession) => {
  session.sendOp(Op.Reconnect, null);
  session.close(CloseCode.UnknownError, "Reconnect");
};

/**
 * The node's live sessions, each with the connection `C` it came on, and the index of sessions by identity session
 * that revocation closes them by. A session is live from its socket's open to its close: the gateway handles frames
 * of live sessions only, and ends each session once, whichever of close and shutdown takes it out.
 */
export const createSessionRegistry = <C>(resume: Pick<ResumeStore, "forget">) => {
  const live = new Map<GatewaySession, C>();
  /** One session, or a Set of the several sharing an identity session: most have one, and a Set each would be kept. */
  const byAuthSession = new Map<string, GatewaySession | Set<GatewaySession>>();

  /** Closes every local socket of session `id` but `keep`: the session resumed, and only its newest socket stays. */
  const supersede = (id: string, keep?: GatewaySession) => {
    for (const session of live.keys()) {
      if (session === keep || session.id !== id) continue;
      session.superseded = true;
      session.close(CloseCode.UnknownError, "Session resumed elsewhere");
    }
  };

  return {
    get size(): number {
      return live.size;
    },
    add(session: GatewaySession, connection: C): void {
      live.set(session, connection);
    },
    has(session: GatewaySession): boolean {
      return live.has(session);
    },
    /** Takes `session` out; false when it was not live (shutdown took it first). */
    remove(session: GatewaySession): boolean {
      return live.delete(session);
    },
    sessions(): Iterable<GatewaySession> {
      return live.keys();
    },
    supersede,

    /** Indexes an identified session under its identity session, for revocation. */
    bindAuthSession(session: GatewaySession): void {
      const key = session.viewer!.sessionId;
      const bound = byAuthSession.get(key);
      if (bound === undefined || bound === session) byAuthSession.set(key, session);
      else if (bound instanceof Set) bound.add(session);
      else byAuthSession.set(key, new Set([bound, session]));
    },
    unbindAuthSession(session: GatewaySession, authSessionId: string): void {
      const bound = byAuthSession.get(authSessionId);
      if (bound === session || (bound instanceof Set && bound.delete(session) && bound.size === 0)) byAuthSession.delete(authSessionId);
    },

    /** Closes every gateway session of a revoked identity session with 4004; they cannot resume. */
    async revoke(authSessionId: string): Promise<void> {
      const bound = byAuthSession.get(authSessionId);
      const sessions = bound === undefined ? [] : bound instanceof Set ? [...bound] : [bound];
      for (const session of sessions) {
        session.superseded = true; // nothing to keep: the session is gone for good
        await resume.forget(session.id);
        if (!session.closed) session.close(CloseCode.AuthenticationFailed, "Session revoked");
      }
    },

    /** The bus dropped: every client reconnects and resumes (their close handlers end the sessions). */
    reconnectAll(): void {
      for (const session of [...live.keys()]) askToReconnect(session);
    },

    /**
     * Shutdown: takes every session out first, so that their close handlers do not end them a second time, asks
     * each client to reconnect, and hands back the sessions with their connections for the caller to end.
     */
    drain(): Array<[GatewaySession, C]> {
      const all = [...live];
      live.clear();
      for (const [session] of all) askToReconnect(session);
      return all;
    },
  };
};

export type SessionRegistry<C> = ReturnType<typeof createSessionRegistry<C>>;
