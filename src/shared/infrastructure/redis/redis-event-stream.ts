import type { Redis } from "ioredis";
import { type DomainEvent, parseEvent } from "../../kernel/domain-event";
import type { DeadLetter, EventStream, EventStreamConsumerOptions } from "../../kernel/ports/event-stream";
import { type ConsumerSettings as Settings, type EventHandler as Handler, RunningConsumers, consumerSettings, messageOf } from "../event-stream-consumers";
import { failFastAfterFirstReady, pingRedis, throwFirstError } from "./redis-client";

const READ_RETRY_MS = 500;
/** An entry as XREADGROUP, XAUTOCLAIM and XRANGE return it; fields are null once the entry was trimmed. */
type StreamEntry = [id: string, fields: string[] | null];

export interface RedisEventStreamOptions {
  /** The shared command connection; each consumer also opens its own blocking duplicate of it. */
  readonly redis: Redis;
  /** Stream key, under the connection's keyPrefix; dead letters go to `<stream>:dead`. Default `xcord:events`. */
  readonly stream?: string;
  /** Approximate cap on retained entries (XADD MAXLEN ~), for the stream and its dead letters. */
  readonly maxLength?: number;
  /** How long one XREADGROUP waits for new entries. */
  readonly blockMs?: number;
}

/**
 * Domain events on Redis Streams: XADD to append; per consumer, XREADGROUP BLOCK on a dedicated
 * connection, XACK after the handler succeeds, a periodic XAUTOCLAIM to redeliver what stayed
 * pending, and `<stream>:dead` for entries that used up their deliveries.
 */
export class RedisEventStream implements EventStream {
  private readonly redis: Redis;
  private readonly stream: string;
  private readonly deadStream: string;
  private readonly maxLength: number;
  private readonly blockMs: number;
  private readonly consumers = new RunningConsumers();

  constructor(options: RedisEventStreamOptions) {
    this.redis = options.redis;
    this.stream = options.stream ?? "xcord:events";
    this.deadStream = `${this.stream}:dead`;
    this.maxLength = options.maxLength ?? 1_000_000;
    this.blockMs = options.blockMs ?? 1_000;
  }

  /** XADD each event as JSON in the field `event`, with its `type` beside it for consumers that filter, in one pipeline. */
  async append(events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.xadd(this.stream, "MAXLEN", "~", this.maxLength, "*", "type", event.type, "event", JSON.stringify(event));
    throwFirstError(await pipeline.exec());
  }

  /** Creates the group at the stream's start ("0") when new, then starts the consumer loop. */
  async consume(options: EventStreamConsumerOptions, handler: Handler): Promise<() => Promise<void>> {
    const settings = consumerSettings(options);
    await this.createGroup(settings.group);
    return this.consumers.add(this.run(settings, handler));
  }

  /** XRANGE from the stream id of `sinceMs`: ids start with the time Redis took the entry. */
  async readSince(sinceMs: number, limit: number): Promise<DomainEvent[]> {
    const start = `${Math.max(0, Math.floor(sinceMs))}-0`;
    const entries = (await this.redis.xrange(this.stream, start, "+", "COUNT", limit)) as StreamEntry[];
    return entries.flatMap(([, fields]) => {
      const json = toRecord(fields ?? []).event;
      return json ? [parseEvent(json)] : [];
    });
  }

  /** XRANGE over the dead-letter stream, oldest first. */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const entries = (await this.redis.xrange(this.deadStream, "-", "+", "COUNT", limit)) as StreamEntry[];
    return entries.flatMap(([, fields]) => {
      const record = toRecord(fields ?? []);
      try {
        const event = parseEvent(record.event ?? "");
        return [{ event, group: record.group ?? "", deliveries: Number(record.deliveries), error: record.error ?? "" }];
      } catch {
        return []; // an unreadable entry cannot be shown as an event
      }
    });
  }

  /** PING within 500 ms. */
  async healthy(): Promise<boolean> {
    return pingRedis(this.redis);
  }

  /** Stops every consumer (closing their blocking connections) after the events in hand; the shared connection stays. */
  async close(): Promise<void> {
    await this.consumers.stopAll();
  }

  private async createGroup(group: string): Promise<void> {
    try {
      await this.redis.xgroup("CREATE", this.stream, group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
    }
  }

  /** One consumer: a blocking read loop plus a reclaimer, sharing a queue so handlers run one at a time. */
  private run(settings: Settings, handler: Handler): () => Promise<void> {
    // A BLOCK read legitimately waits blockMs for its reply, so its timeout is longer than the shared connection's.
    const commandTimeout = this.blockMs + (this.redis.options.commandTimeout ?? 2_000);
    const blocking = this.redis.duplicate({ connectionName: "xcord:stream-consumer", enableOfflineQueue: true, commandTimeout });
    failFastAfterFirstReady(blocking);
    blocking.on("error", () => {}); // failures surface as rejected reads, which the loop retries
    let running = true;
    let signalStop = () => {};
    // ioredis never settles a command queued while reconnecting once disconnect() is called, so never wait on it alone.
    const stopped = new Promise<StreamEntry[]>((resolve) => (signalStop = () => resolve([])));
    let queue = Promise.resolve();
    const serially = (work: () => Promise<void>) => (queue = queue.then(work).catch(() => undefined));
    const read = async (): Promise<StreamEntry[]> => {
      const { group, consumer, batchSize } = settings;
      try {
        const reply = (await blocking.xreadgroup("GROUP", group, consumer, "COUNT", batchSize, "BLOCK", this.blockMs, "STREAMS", this.stream, ">")) as
          | [string, StreamEntry[]][]
          | null;
        return reply?.[0]?.[1] ?? [];
      } catch (error) {
        if (!running) return [];
        // The stream was deleted (FLUSHALL, a Redis restart without persistence): recreate the group, don't fail forever.
        if (error instanceof Error && error.message.startsWith("NOGROUP")) await this.createGroup(group).catch(() => {});
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS))]);
        return [];
      }
    };
    const loop = (async () => {
      while (running) {
        const entries = await Promise.race([read(), stopped]);
        if (entries.length > 0) await serially(() => this.deliverAll(settings, handler, entries.map((entry) => [entry, 1])));
      }
    })();
    let cursor = "0-0";
    let claiming = false;
    const reclaimer = setInterval(() => {
      if (claiming) return;
      claiming = true;
      void serially(async () => {
        cursor = await this.reclaim(settings, handler, cursor);
      }).finally(() => (claiming = false));
    }, Math.min(Math.max(settings.retryAfterMs / 2, 25), 5_000));
    return async () => {
      running = false;
      signalStop();
      clearInterval(reclaimer);
      // Ends a pending BLOCK at once (QUIT would wait for it); entries Redis handed out meanwhile stay pending and are reclaimed.
      blocking.disconnect();
      await loop;
      await queue;
    };
  }

  /** XAUTOCLAIM entries idle for `retryAfterMs`; one claimed past its last delivery goes to the dead letters. */
  private async reclaim(settings: Settings, handler: Handler, cursor: string): Promise<string> {
    const { group, consumer, retryAfterMs, batchSize } = settings;
    const claimed = await this.redis.xautoclaim(this.stream, group, consumer, retryAfterMs, cursor, "COUNT", batchSize);
    const [next, entries] = claimed as [string, StreamEntry[]];
    if (entries.length === 0) return next;
    const pipeline = this.redis.pipeline();
    for (const [id] of entries) pipeline.xpending(this.stream, group, id, id, 1); // [[id, consumer, idle, deliveries]]
    const counts = (await pipeline.exec())?.map(([, reply]) => Number((reply as unknown[][] | undefined)?.[0]?.[3] ?? 1)) ?? [];
    const fresh: [StreamEntry, number][] = [];
    for (const [index, entry] of entries.entries()) {
      const deliveries = counts[index] ?? 1;
      if (deliveries <= settings.maxDeliveries) fresh.push([entry, deliveries]);
      else await this.bury(settings, entry, deliveries - 1, "not acknowledged (consumer stopped or crashed)");
    }
    await this.deliverAll(settings, handler, fresh);
    return next;
  }

  private async deliverAll(settings: Settings, handler: Handler, entries: [StreamEntry, number][]): Promise<void> {
    const { types } = settings;
    if (types) {
      // Entries of other types (and trimmed ones) are acknowledged unread, with one XACK.
      const skipped = entries.filter(([[, fields]]) => fields === null || !types.has(typeOf(fields)));
      if (skipped.length > 0) {
        await this.redis.xack(this.stream, settings.group, ...skipped.map(([[id]]) => id)).catch(() => {}); // Redis down: stays pending
        entries = entries.filter((entry) => !skipped.includes(entry));
      }
    }
    for (const [entry, deliveries] of entries) {
      await this.deliver(settings, handler, entry, deliveries).catch(() => {}); // Redis down: stays pending
    }
  }

  /** Runs the handler; XACK on success, dead letter once the last allowed delivery failed, else leave pending. */
  private async deliver(settings: Settings, handler: Handler, entry: StreamEntry, deliveries: number): Promise<void> {
    const [id, fields] = entry;
    if (fields === null) return void (await this.redis.xack(this.stream, settings.group, id)); // trimmed away
    try {
      await handler(parseEvent(toRecord(fields).event ?? ""));
    } catch (error) {
      if (deliveries >= settings.maxDeliveries) await this.bury(settings, entry, deliveries, messageOf(error));
      return;
    }
    await this.redis.xack(this.stream, settings.group, id);
  }

  /** XADD to the dead letters and XACK, in one MULTI so the entry is never in both or neither. */
  private async bury(settings: Settings, [id, fields]: StreamEntry, deliveries: number, error: string): Promise<void> {
    const event = toRecord(fields ?? []).event ?? "null";
    const { group } = settings;
    const dead = ["event", event, "group", group, "deliveries", String(deliveries), "error", error];
    const transaction = this.redis.multi().xadd(this.deadStream, "MAXLEN", "~", this.maxLength, "*", ...dead);
    throwFirstError(await transaction.xack(this.stream, group, id).exec());
  }
}

const toRecord = (fields: string[]): Record<string, string | undefined> => {
  const record: Record<string, string | undefined> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index]!] = fields[index + 1];
  return record;
};

/** An entry's event type: its `type` field, or inside the event for entries appended before that field existed. */
const typeOf = (fields: string[]): string => {
  const record = toRecord(fields);
  if (record.type !== undefined) return record.type;
  try {
    return String((JSON.parse(record.event ?? "") as { type?: unknown }).type);
  } catch {
    return "";
  }
};
