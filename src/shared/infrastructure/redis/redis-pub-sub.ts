import type { Redis } from "ioredis";
import type { PubSub } from "../../kernel/ports/pub-sub";
import { pingRedis } from "./redis-client";

type Handler = (message: string, topic: string) => void;

const CONFIRMED: Promise<void> = Promise.resolve();

/**
 * One subscribe() call (the same function subscribed twice counts twice); `unsubscribe` is what the caller gets.
 * The first registration of a topic is also the topic's entry: it holds the topic's handlers (itself, or a Set once
 * there are several) and the SUBSCRIBE. A gateway node holds a topic per connected user, each with one handler, so
 * a topic keeps as few objects as it can: no entry of its own, no Set for one handler, no closure per subscription,
 * and no promise once Redis confirmed.
 */
class Registration {
  private active = true;
  readonly unsubscribe: () => Promise<void> = this.end.bind(this);
  /** As the topic's entry: the handlers that want the topic. */
  handlers: Registration | Set<Registration> = this;
  /** As the topic's entry: settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<void> = CONFIRMED;
  /** The topic's entry: this registration, or the topic's first. */
  private readonly entry: Topic;

  constructor(
    readonly handler: Handler,
    private readonly pubSub: RedisPubSub,
    private readonly topic: string,
    entry?: Topic,
  ) {
    this.entry = entry ?? this;
  }

  private async end(): Promise<void> {
    if (!this.active) return;
    this.active = false;
    await this.pubSub.release(this.topic, this.entry, this);
  }
}

/** A topic this node listens to: its first registration. */
type Topic = Pick<Registration, "handlers" | "subscribed">;

const has = (handlers: Topic["handlers"], registration: Registration) => handlers === registration || (handlers instanceof Set && handlers.has(registration));

/** Takes `registration` out of `entry`; true when no handler is left. */
const remove = (entry: Topic, registration: Registration): boolean => {
  const handlers = entry.handlers;
  if (handlers === registration) return true;
  if (handlers instanceof Set && handlers.delete(registration) && handlers.size === 1) entry.handlers = handlers.values().next().value!;
  return false;
};

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
  private readonly topics = new Map<string, Topic>();
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
    let entry = this.topics.get(topic);
    let registration: Registration;
    if (entry === undefined) {
      const created = (registration = new Registration(handler, this, topic));
      created.subscribed = this.subscriber.subscribe(this.prefix + topic).then(
        () => {
          created.subscribed = CONFIRMED;
        },
        (error: unknown) => {
          if (this.topics.get(topic) === created) this.topics.delete(topic);
          throw error;
        },
      );
      this.topics.set(topic, (entry = created));
    } else {
      registration = new Registration(handler, this, topic, entry);
      const handlers = entry.handlers;
      if (handlers instanceof Set) handlers.add(registration);
      else entry.handlers = new Set([handlers, registration]);
    }
    try {
      await entry.subscribed;
    } catch (error) {
      remove(entry, registration);
      throw error;
    }
    return registration.unsubscribe;
  }

  /** A registration ended: the topic is unsubscribed with its last one. */
  async release(topic: string, entry: Topic, registration: Registration): Promise<void> {
    if (!remove(entry, registration) || this.topics.get(topic) !== entry) return;
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
    const entry = this.topics.get(topic);
    if (!entry) return;
    const handlers = entry.handlers;
    if (!(handlers instanceof Set)) return this.call(handlers, message, topic);
    for (const registration of [...handlers]) {
      if (!has(entry.handlers, registration)) continue; // removed by an earlier handler of this message
      this.call(registration, message, topic);
    }
  }

  private call(registration: Registration, message: string, topic: string): void {
    try {
      registration.handler(message, topic);
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
