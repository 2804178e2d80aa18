import type { Clock } from "../../../shared/kernel/clock";
import { isSnowflake } from "../../../shared/kernel/snowflake";
import type { Caller } from "../domain/session";
import { isLive } from "../domain/session";
import type { SessionRepository } from "../domain/session-repository";
import type { SessionRevocationListener, SessionRevocations } from "../domain/session-revocations";

export interface ResilientRevocationsOptions {
  /** The fast, shared check (Redis in production). */
  readonly store: SessionRevocations;
  /** The source of truth: the session rows. */
  readonly sessions: Pick<SessionRepository, "find" | "listRevokedSince">;
  readonly clock: Clock;
  /** How far back a revocation still matters: the access-token lifetime plus clock margin. */
  readonly windowMs: number;
  /** How often, after a failure, the store is tried again until the revocations are re-announced. */
  readonly retryIntervalMs?: number;
  /** A check the store has not answered after this long is answered from the session row; default 500 ms. */
  readonly checkDeadlineMs?: number;
  readonly onError?: (error: unknown) => void;
}

export type ResilientRevocations = SessionRevocations & {
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

  const reconcile = async (): Promise<void> => {
    const revoked = await sessions.listRevokedSince(new Date(clock.now() - options.windowMs));
    const callers: Caller[] = revoked.map((session) => ({ userId: session.userId, sessionId: session.id }));
    for (let start = 0; start < callers.length; start += 500) await store.revoke(callers.slice(start, start + 500));
  };

  /** One reconcile at a time; on success the retry timer stops. */
  const tryReconcile = (): Promise<void> =>
    (reconciling ??= reconcile()
      .then(() => {
        stale = false;
        clearInterval(retry);
        retry = undefined;
      })
      .catch(() => markStale())
      .finally(() => (reconciling = undefined)));

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

  const stopRecovery =
    store.onStoreRecovered?.(() => {
      markStale(); // it may have come back empty: ask the rows until it has been told again
      void tryReconcile();
    }) ?? (() => {});
  void tryReconcile();

  return {
    async revoke(callers: readonly Caller[]): Promise<void> {
      try {
        await store.revoke(callers);
      } catch (error) {
        onError(error);
        markStale();
      }
    },
    async isRevoked(sessionId: string): Promise<boolean> {
      if (!isSnowflake(sessionId)) return true;
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
    onStoreRecovered: store.onStoreRecovered ? (listener) => store.onStoreRecovered!(listener) : undefined,
    reconcile,
    close() {
      closed = true;
      clearInterval(retry);
      retry = undefined;
      stopRecovery();
    },
  };
};
