import { type DomainEvent, type Topic, parseEvent } from "../kernel/domain-event";
import { SpanKind } from "@opentelemetry/api";
import type { Tracing } from "../infrastructure/tracing/tracing";
import type { PubSub } from "../kernel/ports";

/** A receiver of the events of the topics it joined. */
export interface TopicListener {
  receive(event: DomainEvent): void;
}

/**
 * The node's subscriptions: one pub/sub subscription per topic any local session needs, shared by all of them
 * and dropped when the last leaves, so a node hears only the guilds, channels and users its sessions care about.
 * Each event is parsed once per node, however many sessions hear it.
 */
export const createTopicRouter = (
  pubSub: PubSub,
  onError: (error: unknown, topic: string) => void,
  /** Sees each event as it reaches the node, before any session decides on it (cache invalidation). */
  observe: (event: DomainEvent) => void = () => {},
  /** With tracing on, an event that carries a trace is dispatched in a span of that trace, one per node and topic. */
  tracing?: Tracing,
) => {
  const members = new Map<Topic, Set<TopicListener>>();
  const unsubscribers = new Map<Topic, Promise<() => Promise<void>>>();

  const deliver = (topic: Topic) => (message: string) => {
    const listeners = members.get(topic);
    if (!listeners || listeners.size === 0) return;
    let event: DomainEvent;
    try {
      event = parseEvent(message);
    } catch (error) {
      onError(error, topic);
      return;
    }
    observe(event);
    if (event.trace === undefined || !tracing?.enabled) {
      for (const listener of listeners) listener.receive(event);
      return;
    }
    const attributes = { "messaging.message.id": event.id, "xcord.event.type": event.type, "xcord.topic": topic, "xcord.sessions": listeners.size };
    tracing.inSpan(`dispatch ${event.type}`, { parent: event.trace, kind: SpanKind.CONSUMER, attributes }, () => {
      for (const listener of listeners) listener.receive(event);
    });
  };

  return {
    /** Adds `listener` to `topics`; resolves once the node is subscribed to each. */
    async join(listener: TopicListener, topics: Iterable<Topic>): Promise<void> {
      const pending: Promise<unknown>[] = [];
      for (const topic of topics) {
        let listeners = members.get(topic);
        if (!listeners) members.set(topic, (listeners = new Set()));
        listeners.add(listener);
        let subscription = unsubscribers.get(topic);
        if (!subscription) {
          subscription = pubSub.subscribe(topic, deliver(topic));
          unsubscribers.set(topic, subscription);
          subscription.catch((error: unknown) => {
            unsubscribers.delete(topic);
            onError(error, topic);
          });
        }
        pending.push(subscription);
      }
      await Promise.all(pending);
    },

    /** Removes `listener` from `topics`; the node unsubscribes from topics no one needs any more. */
    async leave(listener: TopicListener, topics: Iterable<Topic>): Promise<void> {
      const pending: Promise<void>[] = [];
      for (const topic of topics) {
        const listeners = members.get(topic);
        if (!listeners?.delete(listener) || listeners.size > 0) continue;
        members.delete(topic);
        const subscription = unsubscribers.get(topic);
        unsubscribers.delete(topic);
        if (subscription) pending.push(subscription.then((unsubscribe) => unsubscribe()).catch((error) => onError(error, topic)));
      }
      await Promise.all(pending);
    },

    /** How many topics this node listens to (for metrics and tests). */
    topicCount: () => members.size,
  };
};

export type TopicRouter = ReturnType<typeof createTopicRouter>;
