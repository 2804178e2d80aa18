import type { Caller } from "../../domains/identity/domain/session";
import type { SessionRevocationListener, SessionRevocations } from "../../domains/identity/domain/session-revocations";
import type { KeyValueStore, PubSub } from "../kernel/ports";

/** The pub/sub topic revocations are announced on, as JSON `{user_id, session_id}`. */
export const SESSION_REVOKED_TOPIC = "system:session-revoked";
/** Covers skew between nodes and the verifier's clock tolerance. */
const MARGIN_MS = 60_000;

const key = (sessionId: string) => `revoked-session:${sessionId}`;

/**
 * Revoked sessions in the shared KeyValueStore (Redis in production, the memory twin on one node), kept as long
 * as an access token of theirs could still be unexpired; every revocation is also published for the gateway.
 */
export class KvSessionRevocations implements SessionRevocations {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly pubSub: PubSub,
    private readonly accessTokenLifetimeMs: number,
  ) {}

  async revoke(sessions: readonly Caller[]): Promise<void> {
    const ttlMs = this.accessTokenLifetimeMs + MARGIN_MS;
    await Promise.all(sessions.map((session) => this.kv.set(key(session.sessionId), "1", ttlMs)));
    await Promise.all(
      sessions.map((session) =>
        this.pubSub.publish(SESSION_REVOKED_TOPIC, JSON.stringify({ user_id: session.userId, session_id: session.sessionId })),
      ),
    );
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    return (await this.kv.get(key(sessionId))) !== null;
  }

  /** The bus's subscriber connection dropped, or is back and resubscribed: the same Redis holds the revocation keys. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    return this.pubSub.onConnectionChange?.(listener) ?? (() => {});
  }

  onRevoked(listener: SessionRevocationListener): Promise<() => Promise<void>> {
    return this.pubSub.subscribe(SESSION_REVOKED_TOPIC, (message) => {
      const parsed = parse(message);
      if (parsed) listener(parsed);
    });
  }
}

const parse = (message: string): Caller | undefined => {
  try {
    const { user_id: userId, session_id: sessionId } = JSON.parse(message) as Record<string, unknown>;
    return typeof userId === "string" && typeof sessionId === "string" ? { userId, sessionId } : undefined;
  } catch {
    return undefined;
  }
};
