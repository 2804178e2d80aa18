import { join } from "node:path";
import type { BlobStore, StoredBlob } from "../../domains/message/domain/blob-store";
import type { PresenceStore } from "../../domains/presence/domain/presence-store";
import type { EventStream, KeyValueStore, PubSub, RateLimiter } from "../kernel/ports";
import type { Config } from "./config";
import type { Logger } from "./logger";
import { tracedRedis } from "./tracing/traced-redis";
import type { Tracing } from "./tracing/tracing";
import { FilesystemBlobStore } from "./filesystem-blob-store";
import { MemoryBlobStore } from "./memory/memory-blob-store";
import { MemoryEventStream } from "./memory/memory-event-stream";
import { MemoryKeyValueStore } from "./memory/memory-key-value-store";
import { MemoryPresenceStore } from "./memory/memory-presence-store";
import { MemoryPubSub } from "./memory/memory-pub-sub";
import { MemoryRateLimiter } from "./memory/memory-rate-limiter";
import { createRedisClients } from "./redis/redis-client";
import { RedisEventStream } from "./redis/redis-event-stream";
import { RedisKeyValueStore } from "./redis/redis-key-value-store";
import { RedisPresenceStore } from "./redis/redis-presence-store";
import { RedisPubSub } from "./redis/redis-pub-sub";
import { RedisRateLimiter } from "./redis/redis-rate-limiter";
import type { Database } from "./postgres/database";
import { PostgresBlobStore } from "./postgres/postgres-blob-store";
import { S3BlobStore, createS3Client } from "./s3-blob-store";

/** The shared-state adapters of one node: Redis when REDIS_URL is set, their in-memory twins otherwise. */
export interface Adapters {
  readonly kind: "redis" | "memory";
  readonly pubSub: PubSub;
  readonly kv: KeyValueStore;
  readonly rateLimiter: RateLimiter;
  readonly stream: EventStream;
  readonly presence: PresenceStore;
  /** True when the backing store answers. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export const createAdapters = async (config: Config, logger: Logger, tracing: Tracing): Promise<Adapters> => {
  if (!config.redisUrl) {
    const kv = new MemoryKeyValueStore();
    const pubSub = new MemoryPubSub({
      onHandlerError: (error, topic) => logger.error({ err: error, topic }, "pub/sub handler failed"),
    });
    const stream = new MemoryEventStream();
    return {
      kind: "memory",
      pubSub,
      kv,
      rateLimiter: new MemoryRateLimiter(),
      stream,
      presence: new MemoryPresenceStore(),
      healthy: async () => true,
      close: async () => {
        await Promise.all([kv.close(), pubSub.close(), stream.close()]);
      },
    };
  }
  const clients = createRedisClients(config.redisUrl, {
    logger,
    connectionName: `xcord-${config.nodeId}`,
    commandTimeoutMs: config.redisCommandTimeoutMs,
  });
  // With tracing on, a span per command (traced-redis.ts); the subscriber's messages are traced where they are dispatched.
  const redis = tracing.tracer ? tracedRedis(tracing.tracer, clients.command) : clients.command;
  const kv = new RedisKeyValueStore({ redis });
  const pubSub = new RedisPubSub({
    redis,
    subscriber: clients.subscriber,
    onHandlerError: (error, topic) => logger.error({ err: error, topic }, "pub/sub handler failed"),
  });
  const stream = new RedisEventStream({ redis });
  return {
    kind: "redis",
    pubSub,
    kv,
    rateLimiter: new RedisRateLimiter({ redis }),
    stream,
    presence: new RedisPresenceStore(redis),
    // Both connections: a node whose subscriber is down misses events even when commands still work.
    healthy: async () => (await Promise.all([kv.healthy(), pubSub.healthy()])).every(Boolean),
    // The adapters borrow the connections: close them first, then the connections.
    close: async () => {
      await Promise.all([pubSub.close(), stream.close(), kv.close()]);
      await clients.quit();
    },
  };
};

/**
 * Reads from `primary`, then from `legacy` for blobs written before the node moved to a shared store (files an
 * earlier version left in DATA_DIR/attachments); writes go to `primary` only, deletes to both.
 */
const withLegacyFiles = (primary: BlobStore, legacy: BlobStore): BlobStore => ({
  put: (key, bytes) => primary.put(key, bytes),
  putStream: (key, stream, maxBytes) => primary.putStream(key, stream, maxBytes),
  get: async (key): Promise<StoredBlob | null> => (await primary.get(key)) ?? legacy.get(key),
  delete: async (key) => void (await Promise.all([primary.delete(key), legacy.delete(key)])),
});

/**
 * Where attachments' bytes live (config.blobStore): an S3-compatible bucket or PostgreSQL, which every node shares,
 * or DATA_DIR/attachments on this node's disk (memory for `memory://`), as with the embedded database.
 */
export const createBlobStore = (config: Config, database: Database): BlobStore => {
  const disk = config.dataDir === "memory://" ? undefined : new FilesystemBlobStore(join(config.dataDir, "attachments"));
  if (config.blobStore === "filesystem") return disk ?? new MemoryBlobStore();
  const shared =
    config.blobStore === "s3" && config.s3
      ? new S3BlobStore(createS3Client(config.s3), config.s3.keyPrefix)
      : new PostgresBlobStore(database.db);
  return disk ? withLegacyFiles(shared, disk) : shared;
};
