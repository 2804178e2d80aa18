import type { PubSub } from "../../kernel/ports/pub-sub";

type Handler = (message: string, topic: string) => void;

/** One call of subscribe(): the same function subscribed twice counts twice. */
interface Subscription {
  readonly handler: Handler;
}

export interface MemoryPubSubOptions {
  /** Called when a handler throws; one handler's failure never stops delivery to the others. */
  readonly onHandlerError?: (error: unknown, topic: string) => void;
}

const reportToConsole = (error: unknown, topic: string) => console.error(`pub/sub handler for ${topic} failed`, error);

/** The in-process bus of the single-node mode: same contract as RedisPubSub, without the network. */
export class MemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<Subscription>>();
  private readonly onHandlerError: (error: unknown, topic: string) => void;

  constructor(options: MemoryPubSubOptions = {}) {
    this.onHandlerError = options.onHandlerError ?? reportToConsole;
  }

  /** Queues delivery to every current subscriber; handlers run after the publisher continues, as over a real bus. */
  async publish(topic: string, message: string): Promise<void> {
    const subscriptions = this.topics.get(topic);
    if (!subscriptions) return;
    for (const subscription of subscriptions) {
      queueMicrotask(() => {
        // Unsubscribed between publish and delivery: Redis would not deliver either once the handler is gone.
        if (!subscriptions.has(subscription)) return;
        try {
          subscription.handler(message, topic);
        } catch (error) {
          this.onHandlerError(error, topic);
        }
      });
    }
  }

  /** Registers `handler` on `topic`; the returned function removes this registration only. */
  async subscribe(topic: string, handler: Handler): Promise<() => Promise<void>> {
    let subscriptions = this.topics.get(topic);
    if (!subscriptions) {
      subscriptions = new Set();
      this.topics.set(topic, subscriptions);
    }
    const subscription: Subscription = { handler };
    subscriptions.add(subscription);
    const current = subscriptions;
    return async () => {
      current.delete(subscription);
      if (current.size === 0 && this.topics.get(topic) === current) this.topics.delete(topic);
    };
  }

  /** Removes one registration of `handler` on `topic`, as the function subscribe() returned does. */
  async unsubscribe(topic: string, handler: Handler): Promise<void> {
    const subscriptions = this.topics.get(topic);
    if (!subscriptions) return;
    for (const subscription of subscriptions) {
      if (subscription.handler !== handler) continue;
      subscriptions.delete(subscription);
      break;
    }
    if (subscriptions.size === 0) this.topics.delete(topic);
  }

  /** Always true: nothing can be down in process. */
  async healthy(): Promise<boolean> {
    return true;
  }

  /** Drops every subscription. */
  async close(): Promise<void> {
    for (const subscriptions of this.topics.values()) subscriptions.clear();
    this.topics.clear();
  }
}
