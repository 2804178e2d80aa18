import { afterEach, describe, expect, test } from "bun:test";
import type { KeyValueStore } from "../../src/shared/kernel/ports/key-value-store";
import { MemoryKeyValueStore } from "../../src/shared/infrastructure/memory/memory-key-value-store";
import { RedisKeyValueStore } from "../../src/shared/infrastructure/redis/redis-key-value-store";
import { adapterCases, closeAdapters, eventually, uniqueNamespace } from "../support/adapters";

const cases = adapterCases<KeyValueStore>({
  memory: () => new MemoryKeyValueStore(),
  redis: ({ command }) => new RedisKeyValueStore({ redis: command }),
});

for (const { name, make } of cases) {
  describe(`KeyValueStore contract (${name})`, () => {
    afterEach(closeAdapters);

    test("get returns what set stored, and null for a missing key", async () => {
      const store = await make();
      await store.set("session:1", "revoked");
      expect(await store.get("session:1")).toBe("revoked");
      expect(await store.get("session:2")).toBeNull();
      await store.set("session:1", "replaced");
      expect(await store.get("session:1")).toBe("replaced");
    });

    test("a key set with a TTL expires, and ttl() reports -1, the time left, then -2", async () => {
      const store = await make();
      await store.set("forever", "x");
      await store.set("brief", "x", 100);
      expect(await store.ttl("forever")).toBe(-1);
      const left = await store.ttl("brief");
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(100);
      await eventually(async () => expect(await store.get("brief")).toBeNull());
      expect(await store.ttl("brief")).toBe(-2);
      expect(await store.get("forever")).toBe("x");
    });

    test("set without a TTL clears an earlier expiry", async () => {
      const store = await make();
      await store.set("key", "a", 50);
      await store.set("key", "b");
      expect(await store.ttl("key")).toBe(-1);
    });

    test("getMany answers each key's value in order, null for a missing, expired or list key", async () => {
      const store = await make();
      await Promise.all([store.set("a", "1"), store.set("b", "2")]);
      await store.set("brief", "x", 30);
      await store.listPush("list", "item", 5, 10_000);
      expect(await store.getMany([])).toEqual([]);
      await eventually(async () => expect(await store.get("brief")).toBeNull());
      expect(await store.getMany(["b", "missing", "a", "brief", "list", "a"])).toEqual(["2", null, "1", null, null, "1"]);
      // More keys than one Redis command takes, in order.
      const many = Array.from({ length: 2_500 }, (_, i) => [`many:${i}`, `v${i}`] as const);
      await Promise.all(many.filter((_, i) => i % 3 !== 0).map(([key, value]) => store.set(key, value)));
      expect(await store.getMany(many.map(([key]) => key))).toEqual(many.map(([, value], i) => (i % 3 === 0 ? null : value)));
    });

    test("getMany reads the keys another node on the same backend wrote (the key prefix applies to each)", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [await make(namespace), await make(namespace)];
      const other = await make();
      await Promise.all([a.set("p:1", "one"), a.set("p:2", "two")]);
      await other.set("p:1", "elsewhere");
      expect(await b.getMany(["p:1", "p:2"])).toEqual(["one", "two"]);
      expect(await other.getMany(["p:1", "p:2"])).toEqual(["elsewhere", null]);
    });

    test("setFields stores fields of a hash that getFields answers in order, null for a missing one", async () => {
      const store = await make();
      await store.setFields("hash", [["a", "1"], ["b", "2"]], 10_000);
      await store.setFields("hash", [["b", "replaced"], ["c", "3"]], 10_000);
      expect(await store.getFields("hash", ["c", "missing", "a", "b", "a"])).toEqual(["3", null, "1", "replaced", "1"]);
      expect(await store.getFields("absent", ["a", "b"])).toEqual([null, null]);
      expect(await store.getFields("hash", [])).toEqual([]);
      await store.setFields("hash", [], 10_000);
      // More fields than one Redis command takes, in order.
      const many = Array.from({ length: 2_500 }, (_, i) => [`f${i}`, `v${i}`] as const);
      await store.setFields("big", many.filter((_, i) => i % 3 !== 0), 10_000);
      expect(await store.getFields("big", many.map(([field]) => field))).toEqual(many.map(([, value], i) => (i % 3 === 0 ? null : value)));
    });

    test("a hash expires ttlMs after its last setFields, with every field", async () => {
      const store = await make();
      await store.setFields("hash", [["a", "1"]], 10_000);
      await store.setFields("hash", [["b", "2"]], 60);
      const left = await store.ttl("hash");
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(60);
      await eventually(async () => expect(await store.getFields("hash", ["a", "b"])).toEqual([null, null]));
      expect(await store.ttl("hash")).toBe(-2);
    });

    test("another node on the same backend reads the hash's fields; a string key is not a hash", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [await make(namespace), await make(namespace)];
      await a.setFields("shared", [["x", "1"]], 10_000);
      expect(await b.getFields("shared", ["x"])).toEqual(["1"]);
      await a.set("plain", "value");
      await expect(b.getFields("plain", ["x"])).rejects.toThrow(/WRONGTYPE/);
      await expect(b.setFields("plain", [["x", "1"]], 10_000)).rejects.toThrow(/WRONGTYPE/);
      await expect(b.get("shared")).rejects.toThrow(/WRONGTYPE/);
    });

    test("setIfAbsent: exactly one of 50 parallel callers wins", async () => {
      const store = await make();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent("lock", `owner-${i}`, 5_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get("lock")).toBe(`owner-${results.indexOf(true)}`);
    });

    test("setIfAbsent works again once the key has expired", async () => {
      const store = await make();
      expect(await store.setIfAbsent("lock", "first", 60)).toBe(true);
      expect(await store.setIfAbsent("lock", "second", 60)).toBe(false);
      await eventually(async () => expect(await store.setIfAbsent("lock", "third")).toBe(true));
      expect(await store.get("lock")).toBe("third");
    });

    test("two nodes on one backend see the same keys", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [await make(namespace), await make(namespace)];
      await a.set("shared", "yes");
      expect(await b.get("shared")).toBe("yes");
      expect(await b.setIfAbsent("shared", "no")).toBe(false);
    });

    test("delete counts the keys that existed", async () => {
      const store = await make();
      await store.set("a", "1");
      await store.set("b", "2");
      expect(await store.delete("a", "b", "missing")).toBe(2);
      expect(await store.delete()).toBe(0);
      expect(await store.get("a")).toBeNull();
    });

    test("increment starts at 0, adds `by`, and loses nothing under 100 parallel calls", async () => {
      const store = await make();
      expect(await store.increment("count")).toBe(1);
      expect(await store.increment("count", 5)).toBe(6);
      expect(await store.increment("count", -2)).toBe(4);
      const values = await Promise.all(Array.from({ length: 100 }, () => store.increment("parallel")));
      expect(new Set(values).size).toBe(100);
      expect(Math.max(...values)).toBe(100);
      expect(await store.get("parallel")).toBe("100");
    });

    test("increment's TTL starts a window that later increments do not extend", async () => {
      const store = await make();
      await store.increment("window", 1, 150);
      await Bun.sleep(60);
      await store.increment("window", 1, 150);
      const left = await store.ttl("window");
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(95);
      await eventually(async () => expect(await store.get("window")).toBeNull());
      expect(await store.increment("window", 1, 150)).toBe(1);
    });

    test("listPush keeps the newest maxLength items, oldest first", async () => {
      const store = await make();
      for (const item of ["1", "2", "3", "4", "5"]) await store.listPush("resume", item, 3, 10_000);
      expect(await store.listRange("resume")).toEqual(["3", "4", "5"]);
      expect(await store.listRange("missing")).toEqual([]);
    });

    test("listPush refreshes the list's expiry, and the list expires when pushes stop", async () => {
      const store = await make();
      await store.listPush("typing", "a", 10, 120);
      await Bun.sleep(60);
      await store.listPush("typing", "b", 10, 120);
      expect(await store.ttl("typing")).toBeGreaterThan(90);
      expect(await store.listRange("typing")).toEqual(["a", "b"]);
      await eventually(async () => expect(await store.listRange("typing")).toEqual([]));
      expect(await store.ttl("typing")).toBe(-2);
    });

    test("parallel listPush calls never leave the list over its cap", async () => {
      const store = await make();
      await Promise.all(Array.from({ length: 40 }, (_, i) => store.listPush("capped", String(i), 5, 10_000)));
      expect(await store.listRange("capped")).toHaveLength(5);
    });

    test("is healthy while it can serve", async () => {
      expect(await (await make()).healthy()).toBe(true);
    });
  });
}
