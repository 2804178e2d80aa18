import type { Caller } from "./session";

/** Called once for every revoked session, on every node, e.g. to close its gateway sockets. */
export type SessionRevocationListener = (revoked: Caller) => void;

/**
 * Revocations every node sees at once. The session rows stay the source of truth for refresh; this makes the
 * still-unexpired access tokens of revoked sessions stop working immediately.
 */
export interface SessionRevocations {
  /** Marks the sessions revoked for as long as their access tokens could live, and tells every node. */
  revoke(sessions: readonly Caller[]): Promise<void>;
  /** True when the session was revoked and its access tokens may still be unexpired. */
  isRevoked(sessionId: string): Promise<boolean>;
  /** Calls `listener` for each revocation made on any node; resolves to a function that stops it. */
  onRevoked(listener: SessionRevocationListener): Promise<() => Promise<void>>;
  /**
   * Calls `listener(false)` when announcements may be missed (the bus dropped) and `listener(true)` when the shared
   * store is reachable and heard again after an outage (it may have lost or missed revocations meanwhile); returns a
   * stopper. Absent where the store cannot fail (in process).
   */
  onConnectionChange?(listener: (connected: boolean) => void): () => void;
}
