/** Small shared state with expiry: revoked sessions, presence, resume buffers, typing. */
export interface KeyValueStore {
  /** The value of `key`, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** The values of `keys` in their order, null for each absent or expired one (or one that holds a list). */
  getMany(keys: readonly string[]): Promise<Array<string | null>>;
  /** Sets `key`; with `ttlMs` it expires after that many milliseconds. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /**
   * Sets fields of the hash at `key` (created when absent), which then expires `ttlMs` from now, in one round trip;
   * not atomic (a failure may leave some fields set).
   */
  setFields(key: string, fields: ReadonlyArray<readonly [field: string, value: string]>, ttlMs: number): Promise<void>;
  /** The values of `fields` of the hash at `key` in their order, null for each absent one (all when the key is absent). */
  getFields(key: string, fields: readonly string[]): Promise<Array<string | null>>;
  /** Sets `key` only when absent; true when it was set. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Removes the keys; returns how many existed. */
  delete(...keys: string[]): Promise<number>;
  /** Atomically adds `by` to an integer counter (absent counts as 0) and returns the new value. */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;
  /** Appends to a list capped at `maxLength` (oldest dropped) and refreshes its expiry. */
  listPush(key: string, value: string, maxLength: number, ttlMs: number): Promise<void>;
  /** The whole list, oldest first. */
  listRange(key: string): Promise<string[]>;
  /** Remaining time to live in ms: -1 without expiry, -2 when absent. */
  ttl(key: string): Promise<number>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
