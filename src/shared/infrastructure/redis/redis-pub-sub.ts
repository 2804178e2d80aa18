import type { Redis } from "ioredis";
import type { PubSub } from "../../kernel/ports/pub-sub";
import { pingRedis } from "./redis-client";

type Handler = (message: string, topic: string) => void;

const CONFIRMED: Promise<void> = Promise.resolve();

/** A topic being subscribed, or with several handlers (the same function subscribed twice is there twice). */
interface Topic {
  readonly handlers: Handler[];
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<void>;
}

/**
 * What the node keeps of a topic: its one handler once Redis confirmed it, or its entry. A gateway node holds a
 * topic per connected user, each with the topic router's one handler, so such a topic keeps no object at all.
 */
type Kept = Handler | Topic;

const handlersOf = (kept: Kept | undefined): readonly Handler[] => (kept === undefined ? [] : typeof kept === "function" ? [kept] : kept.handlers);

export interface RedisPubSubOptions {
  /** The shared command connection; publishes go through it. */
  readonly redis: Redis;
  /** A connection used for nothing else (see createRedisClients), best with `autoResubscribe: false`. */
  readonly subscriber: Redis;
  /** Prepended to channel names (ioredis prefixes keys, not channels); default: the command connection's keyPrefix. */
  readonly channelPrefix?: string;
  /** Called when a handler throws; one handler's failure never stops delivery to the others. */
  readonly onHandlerError?: (error: unknown, topic: string) => void;
}

const reportToConsole = (error: unknown, topic: string) => console.error(`pub/sub handler for ${topic} failed`, error);

/**
 * Redis pub/sub with one subscriber connection per node and reference-counted topics: SUBSCRIBE on
 * the first handler, UNSUBSCRIBE when the last one goes, and every topic subscribed again after a reconnect.
 * The connections belong to whoever created them; close() only drops this adapter's subscriptions.
 */
export class RedisPubSub implements PubSub {
  private readonly topics = new Map<string, Kept>();
  private readonly prefix: string;
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly onHandlerError: (error: unknown, topic: string) => void;
  private readonly onMessage = (channel: string, message: string) => this.dispatch(channel, message);
  private readonly onReady = () => this.resubscribe();
  private readonly onClose = () => this.setConnected(false);
  private readonly connectionListeners = new Set<(connected: boolean) => void>();
  /** Whether the subscriber connection is up and subscribed to every topic (false before the first connect). */
  private connected = false;

  constructor(options: RedisPubSubOptions) {
    this.redis = options.redis;
    this.subscriber = options.subscriber;
    this.prefix = options.channelPrefix ?? options.redis.options.keyPrefix ?? "";
    this.onHandlerError = options.onHandlerError ?? reportToConsole;
    this.subscriber.on("message", this.onMessage);
    this.subscriber.on("ready", this.onReady);
    this.subscriber.on("close", this.onClose);
    if (this.subscriber.status === "ready") this.connected = true;
  }

  /** PUBLISH on the command connection; reaches the subscribers of every node. */
  async publish(topic: string, message: string): Promise<void> {
    await this.redis.publish(this.prefix + topic, message);
  }

  /** Adds a handler, subscribing the node to `topic` when it is the first; resolves once Redis confirmed. */
  async subscribe(topic: string, handler: Handler): Promise<() => Promise<void>> {
    const kept = this.topics.get(topic);
    let entry: Topic;
    if (kept === undefined) {
      const created: Topic = { handlers: [handler], subscribed: CONFIRMED };
      created.subscribed = this.subscriber.subscribe(this.prefix + topic).then(
        () => {
          created.subscribed = CONFIRMED;
          if (created.handlers.length === 1 && this.topics.get(topic) === created) this.topics.set(topic, created.handlers[0]!);
        },
        (error: unknown) => {
          if (this.topics.get(topic) === created) this.topics.delete(topic);
          throw error;
        },
      );
      this.topics.set(topic, (entry = created));
    } else if (typeof kept === "function") {
      this.topics.set(topic, (entry = { handlers: [kept, handler], subscribed: CONFIRMED }));
    } else {
      (entry = kept).handlers.push(handler);
    }
    try {
      await entry.subscribed;
    } catch (error) {
      const at = entry.handlers.indexOf(handler);
      if (at >= 0) entry.handlers.splice(at, 1);
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      await this.unsubscribe(topic, handler);
    };
  }

  /** Ends one subscription of `handler` to `topic`; the topic is unsubscribed with its last handler. */
  async unsubscribe(topic: string, handler: Handler): Promise<void> {
    const kept = this.topics.get(topic);
    if (kept === undefined) return;
    if (typeof kept === "function") {
      if (kept !== handler) return;
    } else {
      const at = kept.handlers.indexOf(handler);
      if (at < 0) return;
      kept.handlers.splice(at, 1);
      if (kept.handlers.length === 1 && kept.subscribed === CONFIRMED) this.topics.set(topic, kept.handlers[0]!);
      if (kept.handlers.length > 0) return;
    }
    this.topics.delete(topic);
    // The handler is gone already; if Redis is unreachable the stale subscription ends with the connection.
    await this.subscriber.unsubscribe(this.prefix + topic).catch(() => undefined);
  }

  /** Both connections answer PING within 500 ms. */
  async healthy(): Promise<boolean> {
    const [command, subscriber] = await Promise.all([pingRedis(this.redis), pingRedis(this.subscriber)]);
    return command && subscriber;
  }

  /** Tells `listener` when the subscriber connection drops (messages are being missed) and when it is back and resubscribed. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener);
    return () => void this.connectionListeners.delete(listener);
  }

  /** Unsubscribes every topic and detaches from the subscriber connection. */
  async close(): Promise<void> {
    const channels = [...this.topics.keys()].map((topic) => this.prefix + topic);
    this.topics.clear();
    this.connectionListeners.clear();
    this.subscriber.off("message", this.onMessage);
    this.subscriber.off("ready", this.onReady);
    this.subscriber.off("close", this.onClose);
    if (channels.length > 0 && this.subscriber.status === "ready") {
      await this.subscriber.unsubscribe(...channels).catch(() => undefined);
    }
  }

  private dispatch(channel: string, message: string): void {
    if (!channel.startsWith(this.prefix)) return;
    const topic = channel.slice(this.prefix.length);
    const kept = this.topics.get(topic);
    if (kept === undefined) return;
    if (typeof kept === "function") return this.call(kept, message, topic);
    for (const handler of [...kept.handlers]) {
      if (!handlersOf(this.topics.get(topic)).includes(handler)) continue; // removed by an earlier handler of this message
      this.call(handler, message, topic);
    }
  }

  private call(handler: Handler, message: string, topic: string): void {
    try {
      handler(message, topic);
    } catch (error) {
      this.onHandlerError(error, topic);
    }
  }

  /** After a reconnect the new connection listens to nothing: subscribe it to today's topics, then say so. */
  private resubscribe(): void {
    const channels = [...this.topics.keys()].map((topic) => this.prefix + topic);
    if (channels.length === 0) return this.setConnected(true);
    this.subscriber.subscribe(...channels).then(
      () => {
        if (this.subscriber.status === "ready") this.setConnected(true);
      },
      () => undefined, // a failure here means another reconnect follows
    );
  }

  private setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    for (const listener of [...this.connectionListeners]) {
      try {
        listener(connected);
      } catch (error) {
        this.onHandlerError(error, "connection");
      }
    }
  }
}
