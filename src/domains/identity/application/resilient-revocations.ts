import type { Clock } from "../../../shared/kernel/clock";
import { isSnowflake } from "../../../shared/kernel/snowflake";
import { type Caller, type Session, isLive } from "../domain/session";
import type { SessionRevocationListener, SessionRevocations } from "../domain/session-revocations";

export interface ResilientRevocationsOptions {
  /** The fast, shared check (Redis in production). */
  readonly store: SessionRevocations;
  /** The source of truth: the session rows (and the bot token rows, whose ids are revoked the same way). */
  readonly sessions: RevocationRows;
  readonly clock: Clock;
  /** How far back a revocation still matters: the access-token lifetime plus clock margin. */
  readonly windowMs: number;
  /** How often, after a failure, the store is tried again until the revocations are re-announced. */
  readonly retryIntervalMs?: number;
  /** A check the store has not answered after this long is answered from the session row; default 500 ms. */
  readonly checkDeadlineMs?: number;
  readonly onError?: (error: unknown) => void;
}

/** Where revocations are recorded for good: a revoked or vanished row means revoked. */
export interface RevocationRows {
  /** The session (or bot token) with this id, or null. */
  find(id: string): Promise<Pick<Session, "revokedAt"> | null>;
  /** Sessions (and bot tokens) revoked at or after `since`. */
  listRevokedSince(since: Date): Promise<Array<{ readonly id: string; readonly userId: string }>>;
}

export type ResilientRevocations = SessionRevocations & {
  /** Whether checks are answered from this node's copy of the revocations (no round trip); for tests and metrics. */
  answersLocally(): boolean;
  /** Re-announces every revocation of the last `windowMs` from the session rows; throws when the store is still out. */
  reconcile(): Promise<void>;
  /** Stops the retry timer and the recovery listener. */
  close(): void;
};

/**
 * Revocations that keep working while the shared store is down, with PostgreSQL as the fallback:
 * - a check the store cannot answer is answered from the session row (revoked, or gone, means revoked);
 * - a revocation the store cannot take is already in the session row (use cases write it first), so it does not
 *   fail the request; instead the store is marked stale;
 * - a stale store (a failed call, or the store reconnecting after an outage, possibly having lost its data) is
 *   reconciled: every session revoked within the access-token lifetime is announced again (key set, gateways
 *   told), retried every second until the store takes it. Every node does this, and once at start, so revocations
 *   made during an outage by a node that died meanwhile are not lost either. Until that reconcile succeeded,
 *   checks are answered from the session rows, so a store that came back empty never un-revokes a session.
 *
 * While the node hears the announcements, checks need no round trip at all: the node keeps its own copy of the
 * revocations of the window, filled from the session rows by each reconcile and kept current by the announcements
 * (which the store delivers to every node before the revoking call returns). The copy is trusted only from a
 * reconcile that started after the node was subscribed until the subscription drops: a revocation is either in the
 * rows that reconcile read, or announced after it started, and so heard. Otherwise the store (or the rows) answers.
 */
export const resilientRevocations = (options: ResilientRevocationsOptions): ResilientRevocations => {
  const { store, sessions, clock } = options;
  const onError = options.onError ?? (() => {});
  let retry: ReturnType<typeof setInterval> | undefined;
  /**
   * The store may lack revocations (it failed, came back from an outage, or this node just started after one)
   * until a reconcile succeeds; meanwhile the session rows answer.
   */
  let stale = true;
  let reconciling: Promise<void> | undefined;
  let closed = false;
  /** Sessions revoked within the window that this node knows of, oldest first, with when each stops mattering. */
  const heard = new Map<string, number>();
  /** This node's own subscription to the announcements, once the store confirmed it. */
  let subscription: Promise<() => Promise<void>> | undefined;
  /** Whether the subscription is live; a drop means announcements may have been missed until the next reconcile. */
  let connected = false;
  /** Counts subscription drops, so a reconcile that straddled one does not vouch for the copy. */
  let drops = 0;

  /** Remembers a revocation for the window; expired ones are dropped from the front (insertion order is expiry order). */
  const hear = (sessionId: string): void => {
    const now = clock.now();
    heard.delete(sessionId);
    heard.set(sessionId, now + options.windowMs);
    for (const [id, expiresAt] of heard) {
      if (expiresAt > now) break;
      heard.delete(id);
    }
  };

  /** Subscribes this node to the announcements once; a failed attempt is retried by the next reconcile. */
  const subscribe = (): Promise<unknown> =>
    (subscription ??= store
      .onRevoked(({ sessionId }) => hear(sessionId))
      .then((stop) => {
        connected = true;
        return stop;
      })
      .catch((error: unknown) => {
        subscription = undefined;
        throw error;
      }));

  const reconcile = async (): Promise<void> => {
    const revoked = await sessions.listRevokedSince(new Date(clock.now() - options.windowMs));
    const callers: Caller[] = revoked.map((session) => ({ userId: session.userId, sessionId: session.id }));
    for (const caller of callers) hear(caller.sessionId);
    for (let start = 0; start < callers.length; start += 500) await store.revoke(callers.slice(start, start + 500));
  };

  /** One reconcile at a time, after the node is subscribed; on success the retry timer stops. */
  const tryReconcile = (): Promise<void> => {
    const dropsBefore = drops;
    return (reconciling ??= subscribe()
      .then(reconcile)
      .then(() => {
        if (drops !== dropsBefore) return markStale();
        stale = false;
        clearInterval(retry);
        retry = undefined;
      })
      .catch(() => markStale())
      .finally(() => (reconciling = undefined)));
  };

  /** The session row's answer: revoked, or gone (purged a day after it died), means revoked. */
  const revokedInRows = async (sessionId: string): Promise<boolean> => {
    const session = await sessions.find(sessionId);
    return session === null || !isLive(session);
  };

  /** The store missed something or could not be asked: reconcile as soon as it answers again. */
  const markStale = (): void => {
    stale = true;
    if (retry || closed) return;
    retry = setInterval(() => void tryReconcile(), options.retryIntervalMs ?? 1_000);
    retry.unref?.();
  };

  const stopWatching =
    store.onConnectionChange?.((up) => {
      connected = up;
      markStale(); // announcements were missed, and the store may have come back empty: reconcile once it is back
      if (!up) return void drops++;
      void tryReconcile();
    }) ?? (() => {});
  void tryReconcile();

  /** Announcements reach this node and nothing was missed since the last reconcile: its copy is complete. */
  const answersLocally = () => connected && !stale && !closed;

  return {
    async revoke(callers: readonly Caller[]): Promise<void> {
      for (const caller of callers) hear(caller.sessionId);
      try {
        await store.revoke(callers);
      } catch (error) {
        onError(error);
        markStale();
      }
    },
    async isRevoked(sessionId: string): Promise<boolean> {
      if (!isSnowflake(sessionId)) return true;
      if (answersLocally()) return (heard.get(sessionId) ?? 0) > clock.now();
      if (stale) return revokedInRows(sessionId);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("revocation store too slow")), options.checkDeadlineMs ?? 500);
        });
        return await Promise.race([store.isRevoked(sessionId), deadline]);
      } catch {
        markStale();
        return revokedInRows(sessionId);
      } finally {
        clearTimeout(timer);
      }
    },
    onRevoked: (listener: SessionRevocationListener) => store.onRevoked(listener),
    onConnectionChange: store.onConnectionChange ? (listener) => store.onConnectionChange!(listener) : undefined,
    reconcile,
    answersLocally,
    close() {
      closed = true;
      clearInterval(retry);
      retry = undefined;
      stopWatching();
      void subscription?.then((stop) => stop()).catch(() => undefined);
    },
  };
};
