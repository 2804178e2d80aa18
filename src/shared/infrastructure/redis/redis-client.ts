import { Redis, type RedisOptions } from "ioredis";

/** Where connection trouble is reported; a pino logger fits. */
export interface RedisLogger {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RedisClientsOptions {
  /** Prepended to every key, and by RedisPubSub to every channel, so deployments can share one Redis. */
  readonly keyPrefix?: string;
  readonly logger?: RedisLogger;
  /** Base of the names shown by CLIENT LIST (`<name>:command`, `<name>:subscriber`); default `xcord`. */
  readonly connectionName?: string;
  /** A command without a reply after this long fails (a hung or partitioned Redis); default 2,000 ms. */
  readonly commandTimeoutMs?: number;
}

/** The connections one node needs; adapters borrow them, `quit()` closes them. */
export interface RedisClients {
  /** Shared by every adapter for ordinary commands. */
  readonly command: Redis;
  /** Dedicated to RedisPubSub, so a flood of messages never delays commands. */
  readonly subscriber: Redis;
  /** Closes both connections; call it after closing the adapters that borrow them. */
  quit(): Promise<void>;
}

const MAX_RECONNECT_DELAY_MS = 2_000;
const QUIT_DEADLINE_MS = 1_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/** Exponential backoff with jitter, forever: Redis coming back must never need a restart. */
const reconnectDelay = (attempt: number): number =>
  Math.min(50 * 2 ** Math.min(attempt - 1, 10), MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 100);

/**
 * Settings shared by every XCord connection, chosen so that callers fail fast while Redis is down instead of
 * piling up: commands issued before the lazy first connect wait for it (the offline queue), but once a
 * connection has been ready, a command issued while it is not fails at once (failFastAfterFirstReady), a
 * command in flight when the connection drops fails at the drop (maxRetriesPerRequest 0) instead of being
 * re-sent later, and one that gets no reply fails after `commandTimeout`. Reconnecting goes on forever.
 */
const baseOptions = (keyPrefix: string, commandTimeout: number): RedisOptions => ({
  keyPrefix,
  lazyConnect: true,
  enableOfflineQueue: true,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout,
  retryStrategy: reconnectDelay,
});

/** After the first successful connect, commands issued while the connection is not ready fail at once. */
export const failFastAfterFirstReady = (client: Redis): void => {
  client.once("ready", () => {
    client.options.enableOfflineQueue = false;
  });
};

/** True while `client` can take commands; adapters choose their fallback without waiting when false. */
export const isRedisReady = (client: Redis): boolean => client.status === "ready";

/** Opens (lazily) the command and subscriber connections of one node. */
export const createRedisClients = (url: string, options: RedisClientsOptions = {}): RedisClients => {
  const name = options.connectionName ?? "xcord";
  const base = baseOptions(options.keyPrefix ?? "", options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  // Auto-pipelining sends the commands issued in one tick together: a dispatch fanned out to a thousand
  // sessions buffers a thousand resume entries in a few writes instead of a thousand.
  const command = new Redis(url, { ...base, connectionName: `${name}:command`, enableAutoPipelining: true });
  // RedisPubSub re-subscribes from its own topic table after a reconnect; ioredis' copy could be stale.
  const subscriber = new Redis(url, { ...base, connectionName: `${name}:subscriber`, autoResubscribe: false });
  failFastAfterFirstReady(command);
  failFastAfterFirstReady(subscriber);
  watchConnection(command, "command", options.logger);
  watchConnection(subscriber, "subscriber", options.logger);
  return {
    command,
    subscriber,
    quit: async () => {
      await Promise.all([closeRedis(command), closeRedis(subscriber)]);
    },
  };
};

/** Logs the start and the end of an outage once each, instead of every failed reconnect attempt. */
export const watchConnection = (client: Redis, role: string, logger?: RedisLogger): void => {
  let down = false;
  // Without an "error" listener ioredis prints every failed attempt to the console.
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ err: error, connection: role }, "redis connection lost; reconnecting");
  });
  client.on("ready", () => {
    if (!down) return;
    down = false;
    logger?.info({ connection: role }, "redis connection restored");
  });
};

/** Quits gracefully when connected, but never waits more than a second for it. */
export const closeRedis = async (client: Redis): Promise<void> => {
  if (client.status === "end") return;
  if (client.status === "wait") return client.disconnect(); // never connected: nothing to flush
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_DEADLINE_MS)));
  const quit = client.quit().then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([quit, deadline]);
  clearTimeout(timer);
  client.disconnect();
};

/** True when `client` answers PING within `timeoutMs`; never throws. */
export const pingRedis = async (client: Redis, timeoutMs = 500): Promise<boolean> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
  const ping = client.ping().then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** Rethrows the first failed command of a pipeline or MULTI; ioredis resolves those with per-command errors. */
export const throwFirstError = (results: [Error | null, unknown][] | null): void => {
  const failure = results?.find(([error]) => error)?.[0];
  if (failure) throw failure;
};
