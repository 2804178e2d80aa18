import { type Clock, systemClock } from "../../kernel/clock";
import type { KeyValueStore } from "../../kernel/ports/key-value-store";
import { sweepExpired } from "./expiring-entries";

interface Entry {
  value: string | string[] | Map<string, string>;
  /** Epoch ms; Infinity when the key never expires. */
  expiresAt: number;
}

export interface MemoryKeyValueStoreOptions {
  readonly clock?: Clock;
  /** How often expired keys are swept out, so that keys nobody reads again still free their memory. */
  readonly sweepIntervalMs?: number;
}

/** Redis takes whole milliseconds and rejects 0; both adapters round up to at least 1 ms. */
const ttlToMs = (ttlMs: number): number => Math.max(1, Math.ceil(ttlMs));

const wrongType = () => new Error("WRONGTYPE Operation against a key holding the wrong kind of value");

/**
 * The single-node store: expiry is checked lazily on every read and by a periodic (unref'd) sweep,
 * so memory stays bounded. Same semantics as RedisKeyValueStore, including type errors.
 */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: Clock;
  private readonly stopSweep: () => void;

  constructor(options: MemoryKeyValueStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.stopSweep = sweepExpired(this.entries, (entry, now) => entry.expiresAt <= now, () => this.clock.now(), options.sweepIntervalMs);
  }

  /** The string at `key`, or null. */
  async get(key: string): Promise<string | null> {
    const value = this.live(key)?.value;
    if (value !== undefined && typeof value !== "string") throw wrongType();
    return value ?? null;
  }

  /** Each key's string, or null (also for a list, as Redis' MGET answers). */
  async getMany(keys: readonly string[]): Promise<Array<string | null>> {
    return keys.map((key) => {
      const value = this.live(key)?.value;
      return typeof value === "string" ? value : null;
    });
  }

  /** Sets `key`, replacing any value and expiry. */
  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
  }

  /** Sets fields of the hash at `key` and restarts its expiry. */
  async setFields(key: string, fields: ReadonlyArray<readonly [field: string, value: string]>, ttlMs: number): Promise<void> {
    const entry = this.live(key);
    if (entry && !(entry.value instanceof Map)) throw wrongType();
    const hash = entry ? (entry.value as Map<string, string>) : new Map<string, string>();
    for (const [field, value] of fields) hash.set(field, value);
    this.entries.set(key, { value: hash, expiresAt: this.expiry(ttlMs) });
  }

  /** Each field's value in the hash at `key`, or null. */
  async getFields(key: string, fields: readonly string[]): Promise<Array<string | null>> {
    const entry = this.live(key);
    if (entry && !(entry.value instanceof Map)) throw wrongType();
    return fields.map((field) => (entry?.value as Map<string, string> | undefined)?.get(field) ?? null);
  }

  /** Sets `key` unless it holds a live value. */
  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.expiry(ttlMs) });
    return true;
  }

  /** Removes live keys and counts them. */
  async delete(...keys: string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) if (this.live(key) && this.entries.delete(key)) removed += 1;
    return removed;
  }

  /** Adds `by`; `ttlMs` starts an expiry only when the counter has none (a fixed window). */
  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new Error("ERR value is not an integer or out of range");
    const entry = this.live(key);
    if (entry && typeof entry.value !== "string") throw wrongType();
    if (entry && !/^-?\d+$/.test(entry.value as string)) throw new Error("ERR value is not an integer or out of range");
    const next = Number(entry?.value ?? 0) + by;
    const expiresAt = entry && entry.expiresAt !== Infinity ? entry.expiresAt : this.expiry(ttlMs);
    this.entries.set(key, { value: String(next), expiresAt });
    return next;
  }

  /** Appends, keeps the newest `maxLength` items and restarts the expiry. */
  async listPush(key: string, value: string, maxLength: number, ttlMs: number): Promise<void> {
    if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError("maxLength must be a positive integer");
    const entry = this.live(key);
    if (entry && !Array.isArray(entry.value)) throw wrongType();
    const list = entry ? (entry.value as string[]) : [];
    list.push(value);
    if (list.length > maxLength) list.splice(0, list.length - maxLength);
    this.entries.set(key, { value: list, expiresAt: this.expiry(ttlMs) });
  }

  /** A copy of the list, oldest first. */
  async listRange(key: string): Promise<string[]> {
    const entry = this.live(key);
    if (entry && !Array.isArray(entry.value)) throw wrongType();
    return entry ? [...(entry.value as string[])] : [];
  }

  /** Milliseconds left, -1 without expiry, -2 when absent. */
  async ttl(key: string): Promise<number> {
    const entry = this.live(key);
    if (!entry) return -2;
    return entry.expiresAt === Infinity ? -1 : Math.max(0, Math.ceil(entry.expiresAt - this.clock.now()));
  }

  /** Always true: nothing can be down in process. */
  async healthy(): Promise<boolean> {
    return true;
  }

  /** Stops the sweep; the data stays readable. */
  async close(): Promise<void> {
    this.stopSweep();
  }

  private expiry(ttlMs: number | undefined): number {
    return ttlMs === undefined ? Infinity : this.clock.now() + ttlToMs(ttlMs);
  }

  /** The entry when present and not expired; an expired one is dropped on the way. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }
}
