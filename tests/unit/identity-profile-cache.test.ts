import { describe, expect, test } from "bun:test";
import { createProfileCache } from "../../src/domains/identity/application/profile-cache";
import type { User } from "../../src/domains/identity/domain/user";

const user = (id: string, username = `user_${id}`): User => ({
  id,
  username,
  displayName: null,
  avatar: null,
  bot: false,
  email: null,
  createdAt: new Date("2026-11-21T10:00:00.000Z"),
  deleted: false,
  mfaEnabled: false,
});

/** A store of users that counts the ids it was asked for; `gate` holds a load until released. */
const fakeStore = () => {
  const users = new Map<string, User>();
  const asked: string[][] = [];
  let gate: Promise<void> | undefined;
  return {
    users,
    asked,
    hold() {
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    load: async (ids: readonly string[]) => {
      asked.push([...ids]);
      const snapshot = ids.flatMap((id) => (users.has(id) ? [users.get(id)!] : []));
      await gate;
      return snapshot;
    },
  };
};

describe("the profile cache", () => {
  test("reads each profile once, misses in one call, and leaves unknown ids out", async () => {
    const store = fakeStore();
    store.users.set("1", user("1")).set("2", user("2"));
    const cache = createProfileCache({ load: store.load, clock: { now: () => 0 } });
    expect((await cache.findUsers(["1", "1"])).map((u) => u.id)).toEqual(["1"]);
    expect((await cache.findUsers(["1", "2", "9"])).map((u) => u.id).sort()).toEqual(["1", "2"]);
    expect(store.asked).toEqual([["1"], ["2", "9"]]);
  });

  test("forget() drops a profile: the next read sees the change", async () => {
    const store = fakeStore();
    store.users.set("1", user("1", "before"));
    const cache = createProfileCache({ load: store.load, clock: { now: () => 0 } });
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("before");
    store.users.set("1", user("1", "after"));
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("before");
    cache.forget("1");
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("after");
  });

  test("entries expire after the TTL, so a missed change is bounded in time", async () => {
    const store = fakeStore();
    store.users.set("1", user("1", "before"));
    let now = 0;
    const cache = createProfileCache({ load: store.load, clock: { now: () => now }, ttlMs: 1000 });
    await cache.findUsers(["1"]);
    store.users.set("1", user("1", "after"));
    now = 999;
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("before");
    now = 1000;
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("after");
  });

  test("a load that began before a change does not store what it read", async () => {
    const store = fakeStore();
    store.users.set("1", user("1", "before"));
    const cache = createProfileCache({ load: store.load, clock: { now: () => 0 } });
    const release = store.hold();
    const reading = cache.findUsers(["1"]);
    store.users.set("1", user("1", "after"));
    cache.forget("1");
    release();
    expect((await reading)[0]?.username).toBe("before");
    expect((await cache.findUsers(["1"]))[0]?.username).toBe("after");
  });

  test("holds at most maxEntries profiles", async () => {
    const store = fakeStore();
    for (const id of ["1", "2", "3"]) store.users.set(id, user(id));
    const cache = createProfileCache({ load: store.load, clock: { now: () => 0 }, maxEntries: 2 });
    await cache.findUsers(["1", "2", "3"]);
    store.asked.length = 0;
    await cache.findUsers(["1", "2", "3"]);
    expect(store.asked).toEqual([["1"]]);
  });
});
