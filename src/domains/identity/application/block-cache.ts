import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { BlockEntry, BlockList } from "../../../shared/kernel/users";

/** The entry of the many users who blocked no one and whom no one blocked: one object for all of them. */
const NO_BLOCKS: BlockEntry = { blocked: new Set(), blockedBy: new Set() };

interface Cached {
  readonly entry: BlockEntry;
  readonly expiresAt: number;
}

/**
 * Who blocked whom, kept in the node for the checks on hot paths (a DM send, mention counts, the gateway's typing and
 * presence fan-out): a known entry is answered in the same turn. An entry is dropped when a block of its user is
 * added or ended (at once on the node that made the change, through pub/sub on the others); one older than `ttlMs` is
 * answered once more while it is read again, which bounds how stale it can be while pub/sub is down.
 */
export interface BlockCache extends BlockList {
  /** Drops the entries of these users: their next check reads the store. */
  forget(...userIds: Snowflake[]): void;
}

export const createBlockCache = (options: {
  readonly load: (userId: Snowflake) => Promise<{ blocked: readonly Snowflake[]; blockedBy: readonly Snowflake[] }>;
  readonly clock: Clock;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}): BlockCache => {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const entries = new Map<Snowflake, Cached>();
  const loading = new Map<Snowflake, Promise<BlockEntry>>();
  /** Bumped by forget(): a load that started before a change must not store what it read. */
  let generation = 0;

  const load = (userId: Snowflake): Promise<BlockEntry> => {
    const started = generation;
    const pending = options.load(userId).then(({ blocked, blockedBy }) => {
      const entry = blocked.length + blockedBy.length === 0 ? NO_BLOCKS : { blocked: new Set(blocked), blockedBy: new Set(blockedBy) };
      if (started === generation) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
        entries.set(userId, { entry, expiresAt: options.clock.now() + ttlMs });
      }
      return entry;
    });
    const settled = () => void (loading.get(userId) === pending && loading.delete(userId));
    pending.then(settled, settled);
    loading.set(userId, pending);
    return pending;
  };

  return {
    of(userId) {
      const cached = entries.get(userId);
      if (cached === undefined) return loading.get(userId) ?? load(userId);
      // An old entry is answered while a fresh one loads: the fan-out to a connected user's sessions never waits
      // on the database once READY has loaded their entry.
      if (cached.expiresAt <= options.clock.now() && !loading.has(userId)) load(userId).catch(() => undefined);
      return cached.entry;
    },
    forget(...userIds) {
      generation++;
      for (const id of userIds) {
        entries.delete(id);
        loading.delete(id);
      }
    },
  };
};
