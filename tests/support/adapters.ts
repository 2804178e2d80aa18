/**
 * Runs one contract suite against the in-memory and the Redis adapter of a port.
 * Every make() gets its own random namespace unless given one; adapters made on the same
 * namespace share state the way two nodes share one Redis. closeAdapters() releases them all.
 */
import { createRedisClients, type RedisClients } from "../../src/shared/infrastructure/redis/redis-client";

export interface AdapterCase<T> {
  readonly name: "memory" | "redis";
  /** An adapter on `namespace` (default: a fresh one); same namespace, same shared state. */
  make(namespace?: string): Promise<T>;
}

const MISSING_REDIS =
  "REDIS_URL is not set, so the redis half of the contract tests cannot run. " +
  "Run the tests with `bun run test`, which starts a throwaway Redis and sets REDIS_URL " +
  "(or point REDIS_URL at a disposable Redis yourself).";

const cleanups: Array<() => Promise<void>> = [];

/** A key prefix no other test uses. */
export const uniqueNamespace = (): string => `test:${crypto.randomUUID().slice(0, 12)}:`;

/** The harness's Redis; throws (failing the test) rather than skipping when it is missing. */
export const redisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error(MISSING_REDIS);
  return url;
};

/** Connections on `namespace`, quit by closeAdapters(). */
export const redisClients = (namespace: string, connectionName?: string): RedisClients => {
  const clients = createRedisClients(redisUrl(), { keyPrefix: namespace, connectionName });
  cleanups.push(() => clients.quit());
  return clients;
};

const closeQuietly = async (adapter: unknown): Promise<void> => {
  await (adapter as { close?: () => Promise<void> }).close?.();
};

/** The memory and the redis case of one port. */
export const adapterCases = <T>(factories: {
  readonly memory: () => T;
  readonly redis: (clients: RedisClients) => T;
}): AdapterCase<T>[] => {
  const memory = new Map<string, T>();
  return [
    {
      name: "memory",
      make: async (namespace = uniqueNamespace()) => {
        const existing = memory.get(namespace);
        if (existing) return existing;
        const adapter = factories.memory();
        memory.set(namespace, adapter);
        cleanups.push(async () => {
          memory.delete(namespace);
          await closeQuietly(adapter);
        });
        return adapter;
      },
    },
    {
      name: "redis",
      make: async (namespace = uniqueNamespace()) => {
        const clients = redisClients(namespace);
        const adapter = factories.redis(clients);
        // Runs before the clients' quit (cleanups run newest first).
        cleanups.push(() => closeQuietly(adapter));
        return adapter;
      },
    },
  ];
};

/** Closes every adapter and connection made since the last call, newest first; for afterEach. */
export const closeAdapters = async (): Promise<void> => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
    await cleanup().catch(() => undefined);
  }
};

/** Polls `check` every 10 ms until it stops throwing; rethrows its last error after `timeoutMs`. */
export const eventually = async (check: () => void | Promise<void>, timeoutMs = 2_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await Bun.sleep(10);
    }
  }
};

/** Waits `ms`; only for asserting that something does NOT happen within a window. */
export const quietPeriod = (ms: number): Promise<void> => Bun.sleep(ms);
