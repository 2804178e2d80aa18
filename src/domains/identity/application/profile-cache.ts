import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { User } from "../domain/user";

/**
 * Accounts by id as other domains read them (message authors and mentions, members, DM recipients), kept in the
 * node. A history page asks for its authors on every read, and their profiles rarely change: a lookup was a third of
 * a page's cost. An entry is dropped when its user changes (USER_UPDATED/USER_DELETED, heard on every node through
 * pub/sub, and at once on the node that made the change), and lives at most `ttlMs` in any case, which bounds how
 * stale a profile can be while pub/sub is down.
 */
export interface ProfileCache {
  /** The accounts of `ids`; unknown ids are left out. Misses are read in one call to `load`. */
  findUsers(ids: readonly Snowflake[]): Promise<User[]>;
  /** Drops the user's entry: the next lookup reads the store. */
  forget(id: Snowflake): void;
}

interface Entry {
  readonly user: User;
  readonly expiresAt: number;
}

export const createProfileCache = (options: {
  readonly load: (ids: readonly Snowflake[]) => Promise<User[]>;
  readonly clock: Clock;
  readonly ttlMs?: number;
  readonly maxEntries?: number;
}): ProfileCache => {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 50_000;
  const entries = new Map<Snowflake, Entry>();
  /** Bumped by forget(): a load that started before a change must not store what it read. */
  let generation = 0;

  return {
    async findUsers(ids) {
      const now = options.clock.now();
      const found: User[] = [];
      const missing: Snowflake[] = [];
      for (const id of new Set(ids)) {
        const entry = entries.get(id);
        if (entry && entry.expiresAt > now) found.push(entry.user);
        else missing.push(id);
      }
      if (missing.length === 0) return found;
      const started = generation;
      const loaded = await options.load(missing);
      if (started === generation) {
        const expiresAt = now + ttlMs;
        for (const user of loaded) {
          // Oldest first out (a Map keeps insertion order): a bound on memory, not a popularity contest.
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(user.id, { user, expiresAt });
        }
      }
      return [...found, ...loaded];
    },
    forget(id) {
      generation++;
      entries.delete(id);
    },
  };
};
