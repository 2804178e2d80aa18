import type { Redis } from "ioredis";
import type { KeyValueStore } from "../../kernel/ports/key-value-store";
import { pingRedis, throwFirstError } from "./redis-client";

/** INCRBY, then an expiry only when the counter has none, so `ttlMs` starts a fixed window. */
const INCREMENT_SCRIPT = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value`;

/** Keys per MGET at most: one command holds Redis while it runs, so a long list is read in a few short ones. */
const GET_MANY_CHUNK = 1_000;

/** Fields per HSET at most: a command holds Redis while it runs, so a long list is written in a few short ones. */
const SET_FIELDS_CHUNK = 1_000;

interface WithIncrement {
  xcordIncrement(key: string, by: number, ttlMs: number): Promise<number>;
}

/** Redis takes whole milliseconds and rejects 0; both adapters round up to at least 1 ms. */
const ttlToMs = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs));

export interface RedisKeyValueStoreOptions {
  /** The shared command connection; its keyPrefix namespaces every key. */
  readonly redis: Redis;
}

/** Keys and capped lists in Redis, shared by every node. The connection belongs to its creator. */
export class RedisKeyValueStore implements KeyValueStore {
  private readonly redis: Redis & WithIncrement;

  constructor(options: RedisKeyValueStoreOptions) {
    options.redis.defineCommand("xcordIncrement", { numberOfKeys: 1, lua: INCREMENT_SCRIPT });
    this.redis = options.redis as Redis & WithIncrement;
  }

  /** GET. */
  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  /** MGET (the connection's keyPrefix applies to every key), a thousand keys per command at most. */
  async getMany(keys: readonly string[]): Promise<Array<string | null>> {
    const calls: Array<Promise<Array<string | null>>> = [];
    for (let at = 0; at < keys.length; at += GET_MANY_CHUNK) calls.push(this.redis.mget(...keys.slice(at, at + GET_MANY_CHUNK)));
    return (await Promise.all(calls)).flat();
  }

  /** SET, with PX when a TTL is given. */
  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) await this.redis.set(key, value);
    else await this.redis.set(key, value, "PX", ttlToMs(ttlMs));
  }

  /**
   * SET PX of every entry by a script, up to a thousand keys or 256 KiB per call: a fan-out's thousand entries are
   * one command for the client to build and for Redis to parse, not a thousand, and no call holds Redis for long.
   */
  /**
   * HSET in commands of SET_FIELDS_CHUNK fields, then PEXPIRE, pipelined: one socket write, one reply to wait for.
   * A thousand fields of one hash cost Redis a fraction of a thousand keys with an expiry each.
   */
  async setFields(key: string, fields: ReadonlyArray<readonly [field: string, value: string]>, ttlMs: number): Promise<void> {
    if (fields.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (let at = 0; at < fields.length; at += SET_FIELDS_CHUNK) pipeline.hset(key, ...fields.slice(at, at + SET_FIELDS_CHUNK).flat());
    throwFirstError(await pipeline.pexpire(key, ttlToMs(ttlMs)).exec());
  }

  /** HMGET, a thousand fields per command at most. */
  async getFields(key: string, fields: readonly string[]): Promise<Array<string | null>> {
    const calls: Array<Promise<Array<string | null>>> = [];
    for (let at = 0; at < fields.length; at += GET_MANY_CHUNK) calls.push(this.redis.hmget(key, ...fields.slice(at, at + GET_MANY_CHUNK)));
    return (await Promise.all(calls)).flat();
  }

  /** SET NX: Redis decides, so exactly one of many racing nodes wins. */
  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const reply =
      ttlMs === undefined
        ? await this.redis.set(key, value, "NX")
        : await this.redis.set(key, value, "PX", ttlToMs(ttlMs), "NX");
    return reply === "OK";
  }

  /** DEL. */
  async delete(...keys: string[]): Promise<number> {
    return keys.length === 0 ? 0 : this.redis.del(...keys);
  }

  /** INCRBY; `ttlMs` starts an expiry only when the counter has none (a fixed window). */
  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return Number(await this.redis.xcordIncrement(key, by, ttlMs === undefined ? 0 : ttlToMs(ttlMs)));
  }

  /** RPUSH, LTRIM and PEXPIRE in one MULTI, so readers never see the list over its cap. */
  async listPush(key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
    // LTRIM with -0 would keep everything, so a cap below 1 is refused rather than ignored.
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError("maxLength must be a positive integer");
    const transaction = this.redis.multi().rpush(key, value).ltrim(key, -maxLength, -1);
    throwFirstError(await transaction.pexpire(key, ttlToMs(ttlMs)).exec());
  }

  /** LRANGE 0 -1. */
  async listRange(key: string): Promise<string[]> {
    return this.redis.lrange(key, 0, -1);
  }

  /** PTTL, whose -1 and -2 are the port's. */
  async ttl(key: string): Promise<number> {
    return this.redis.pttl(key);
  }

  /** PING within 500 ms. */
  async healthy(): Promise<boolean> {
    return pingRedis(this.redis);
  }

  /** Nothing to release: the connection is closed by whoever created it (RedisClients.quit). */
  async close(): Promise<void> {}
}
