import { type DomainEvent, type Topic, parseEvent } from "../kernel/domain-event";
import { SpanKind } from "@opentelemetry/api";
import type { Tracing } from "../infrastructure/tracing/tracing";
import type { PubSub } from "../kernel/ports";

type Unsubscribe = () => Promise<void>;
const SUBSCRIBED = true;

/** A receiver of the events of the topics it joined. */
export interface TopicListener {
  receive(event: DomainEvent): void;
}

const receiveAll = (listeners: TopicListener | Set<TopicListener>, event: DomainEvent) => {
  if (listeners instanceof Set) for (const listener of listeners) listener.receive(event);
  else listeners.receive(event);
};

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
  /** Each topic's listener, or a Set when several: most topics (a user's) have one, and a Set each would be kept. */
  const members = new Map<Topic, TopicListener | Set<TopicListener>>();
  /**
   * Each topic's subscription: its promise until it is confirmed, then SUBSCRIBED: the bus ends a subscription by
   * topic and handler, so nothing else is kept per topic.
   */
  const unsubscribers = new Map<Topic, Promise<Unsubscribe> | typeof SUBSCRIBED>();

  /** One handler for every topic, not a closure per topic. */
  const deliver = (message: string, name: string) => {
    const topic = name as Topic;
    const listeners = members.get(topic);
    if (listeners === undefined) return;
    let event: DomainEvent;
    try {
      event = parseEvent(message);
    } catch (error) {
      onError(error, topic);
      return;
    }
    observe(event);
    if (event.trace === undefined || !tracing?.enabled) return receiveAll(listeners, event);
    const sessions = listeners instanceof Set ? listeners.size : 1;
    const attributes = { "messaging.message.id": event.id, "xcord.event.type": event.type, "xcord.topic": topic, "xcord.sessions": sessions };
    tracing.inSpan(`dispatch ${event.type}`, { parent: event.trace, kind: SpanKind.CONSUMER, attributes }, () => receiveAll(listeners, event));
  };

  return {
    /** Adds `listener` to `topics`; resolves once the node is subscribed to each. */
    async join(listener: TopicListener, topics: Iterable<Topic>): Promise<void> {
      const pending: Promise<unknown>[] = [];
      for (const topic of topics) {
        const listeners = members.get(topic);
        if (listeners === undefined || listeners === listener) members.set(topic, listener);
        else if (listeners instanceof Set) listeners.add(listener);
        else members.set(topic, new Set([listeners, listener]));
        let subscription = unsubscribers.get(topic);
        if (!subscription) {
          const subscribing = pubSub.subscribe(topic, deliver);
          unsubscribers.set(topic, (subscription = subscribing));
          subscribing.then(
            () => {
              if (unsubscribers.get(topic) === subscribing) unsubscribers.set(topic, SUBSCRIBED);
            },
            (error: unknown) => {
              unsubscribers.delete(topic);
              onError(error, topic);
            },
          );
        }
        if (subscription instanceof Promise) pending.push(subscription);
      }
      await Promise.all(pending);
    },

    /** Removes `listener` from `topics`; the node unsubscribes from topics no one needs any more. */
    async leave(listener: TopicListener, topics: Iterable<Topic>): Promise<void> {
      const pending: Promise<void>[] = [];
      for (const topic of topics) {
        const listeners = members.get(topic);
        if (listeners instanceof Set) {
          if (!listeners.delete(listener) || listeners.size > 0) continue;
        } else if (listeners !== listener) continue;
        members.delete(topic);
        const subscription = unsubscribers.get(topic);
        unsubscribers.delete(topic);
        if (subscription) {
          const unsubscribed = subscription === SUBSCRIBED ? pubSub.unsubscribe(topic, deliver) : subscription.then((unsubscribe) => unsubscribe());
          pending.push(unsubscribed.catch((error) => onError(error, topic)));
        }
      }
      await Promise.all(pending);
    },

    /** How many topics this node listens to (for metrics and tests). */
    topicCount: () => members.size,
  };
};

export type TopicRouter = ReturnType<typeof createTopicRouter>;
