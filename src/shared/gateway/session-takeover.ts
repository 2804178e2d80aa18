import type { PubSub } from "../kernel/ports";
import type { GatewaySession } from "./gateway-session";

const RESUMED_TOPIC = "system:gateway-resumed";

/** The sockets of a session on this node, which a resume elsewhere (or here) supersedes. */
export interface SupersedableSessions {
  supersede(id: string, keep?: GatewaySession): void;
}

/**
 * A resumed session keeps only its newest socket, whichever node holds the older ones: this node closes its own,
 * and tells the others on RESUMED_TOPIC, as one may still hold a half-open connection of the session. Messages
 * carry this node's instance id, so that it ignores its own.
 */
export const createSessionTakeover = (
  pubSub: PubSub,
  sessions: SupersedableSessions,
  onError: (error: unknown, context: Record<string, unknown>) => void,
) => {
  const instance = crypto.randomUUID();
  /** Closes the local socket of a session that resumed on another node, leaving its state to the new owner. */
  const releaseResumed = (message: string) => {
    const { id, instance: from } = JSON.parse(message) as { id: string; instance: string };
    if (from !== instance) sessions.supersede(id);
  };
  const subscription = pubSub.subscribe(RESUMED_TOPIC, releaseResumed);

  return {
    /** `session` resumed on this node: its older sockets, here or elsewhere, are closed. */
    takeOver(session: GatewaySession): void {
      sessions.supersede(session.id, session);
      pubSub
        .publish(RESUMED_TOPIC, JSON.stringify({ id: session.id, instance }))
        .catch((error: unknown) => onError(error, { what: "resume takeover" }));
    },
    /** Stops hearing other nodes' takeovers. */
    async stop(): Promise<void> {
      await (await subscription)();
    },
  };
};
