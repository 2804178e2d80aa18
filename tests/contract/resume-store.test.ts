import { afterEach, describe, expect, test } from "bun:test";
import { createResumeStore } from "../../src/shared/gateway/resume-store";
import type { KeyValueStore } from "../../src/shared/kernel/ports/key-value-store";
import { MemoryKeyValueStore } from "../../src/shared/infrastructure/memory/memory-key-value-store";
import { RedisKeyValueStore } from "../../src/shared/infrastructure/redis/redis-key-value-store";
import { adapterCases, closeAdapters, uniqueNamespace } from "../support/adapters";

const WINDOW_MS = 60_000;
const cases = adapterCases<KeyValueStore>({
  memory: () => new MemoryKeyValueStore(),
  redis: ({ command }) => new RedisKeyValueStore({ redis: command }),
});
const record = (seq: number) => ({ userId: "1", authSessionId: "a", lastEventAt: 0, seq });

for (const { name, make } of cases) {
  describe(`resume store on the key-value store (${name})`, () => {
    afterEach(closeAdapters);

    test("another node reads a session's dispatches in order, each payload written once for every session", async () => {
      const namespace = uniqueNamespace();
      const [a, b] = [createResumeStore(await make(namespace), WINDOW_MS), createResumeStore(await make(namespace), WINDOW_MS)];
      await a.save("s1", record(1));
      const shared = { content: "to everyone" };
      await Promise.all([
        a.append("s1", 2, "MESSAGE_CREATE", shared, JSON.stringify(shared), "e1"),
        a.append("s2", 7, "MESSAGE_CREATE", shared, JSON.stringify(shared), "e1"),
      ]);
      const own = { content: "only s1" };
      await a.append("s1", 3, "MESSAGE_UPDATE", own, JSON.stringify(own));
      expect(await b.buffered("s1")).toEqual([
        { s: 2, t: "MESSAGE_CREATE", d: shared, eventId: "e1" },
        { s: 3, t: "MESSAGE_UPDATE", d: own },
      ]);
      expect(await b.buffered("s2")).toEqual([]);
      await b.save("s2", record(6));
      expect(await b.buffered("s2")).toEqual([{ s: 7, t: "MESSAGE_CREATE", d: shared, eventId: "e1" }]);
    });

    test("a payload handed out again a window later is stored again, to live as long as its new entry", async () => {
      const namespace = uniqueNamespace();
      let clock = 10 * WINDOW_MS - 5;
      const writer = createResumeStore(await make(namespace), WINDOW_MS, () => clock);
      // A node whose clock is half a window ahead looks in the neighbouring buckets too.
      const reader = createResumeStore(await make(namespace), WINDOW_MS, () => clock + WINDOW_MS / 2);
      const payload = { content: "decided long after" };
      await writer.append("s1", 1, "MESSAGE_CREATE", payload, JSON.stringify(payload), "e1");
      await writer.save("s1", record(1));
      clock += WINDOW_MS + 10;
      await writer.append("s1", 2, "MESSAGE_CREATE", payload, JSON.stringify(payload), "e2");
      expect(await reader.buffered("s1")).toEqual([{ s: 2, t: "MESSAGE_CREATE", d: payload, eventId: "e2" }]);
    });

    test("entries a node of the previous layout wrote (a key each) still resume during a rolling upgrade", async () => {
      const namespace = uniqueNamespace();
      const kv = await make(namespace);
      const store = createResumeStore(kv, WINDOW_MS);
      await store.save("s1", record(0));
      await kv.set("gw:payload:old:1", JSON.stringify({ content: "old" }), WINDOW_MS);
      await kv.set("gw:replay:s1:1", JSON.stringify({ s: 1, t: "MESSAGE_CREATE", p: "old:1", eventId: "e1" }), WINDOW_MS);
      const fresh = { content: "new" };
      await store.append("s1", 2, "MESSAGE_CREATE", fresh, JSON.stringify(fresh), "e2");
      expect(await store.buffered("s1")).toEqual([
        { s: 1, t: "MESSAGE_CREATE", d: { content: "old" }, eventId: "e1" },
        { s: 2, t: "MESSAGE_CREATE", d: fresh, eventId: "e2" },
      ]);
    });
  });
}
