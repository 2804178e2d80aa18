import { afterEach, describe, expect, test } from "bun:test";
import type { PresenceStore } from "../../src/domains/presence/domain/presence-store";
import { MemoryPresenceStore } from "../../src/shared/infrastructure/memory/memory-presence-store";
import { RedisPresenceStore } from "../../src/shared/infrastructure/redis/redis-presence-store";
import { adapterCases, closeAdapters } from "../support/adapters";

const cases = adapterCases<PresenceStore>({
  memory: () => new MemoryPresenceStore(),
  redis: ({ command }) => new RedisPresenceStore(command),
});

for (const { name, make } of cases) {
  describe(`PresenceStore contract (${name})`, () => {
    afterEach(closeAdapters);

    test("records, refreshes and forgets sessions per user", async () => {
      const store = await make();
      await store.put("u1", { sessionId: "a", status: "online", expiresAt: 1000 });
      await store.put("u1", { sessionId: "b", status: "dnd", expiresAt: 2000 });
      await store.put("u1", { sessionId: "a", status: "idle", expiresAt: 3000 });
      const sessions = (await store.sessions("u1")).sort((x, y) => x.sessionId.localeCompare(y.sessionId));
      expect(sessions).toEqual([
        { sessionId: "a", status: "idle", expiresAt: 3000 },
        { sessionId: "b", status: "dnd", expiresAt: 2000 },
      ]);
      await store.remove("u1", "a");
      expect((await store.sessions("u1")).map((s) => s.sessionId)).toEqual(["b"]);
      expect(await store.sessions("nobody")).toEqual([]);
    });

    test("lapsed sessions are claimed once, across nodes, and removed", async () => {
      const [nodeA, nodeB] = [await make("shared"), await make("shared")];
      await nodeA.put("u1", { sessionId: "dead", status: "online", expiresAt: 100 });
      await nodeA.put("u1", { sessionId: "alive", status: "online", expiresAt: 10_000 });
      const [a, b] = await Promise.all([nodeA.claimLapsed(500, 10), nodeB.claimLapsed(500, 10)]);
      expect([...a, ...b]).toEqual([{ userId: "u1", sessionId: "dead" }]);
      expect((await nodeB.sessions("u1")).map((s) => s.sessionId)).toEqual(["alive"]);
    });

    test("a session refreshed after it was indexed as lapsing is not claimed", async () => {
      const store = await make();
      await store.put("u1", { sessionId: "s", status: "online", expiresAt: 100 });
      await store.put("u1", { sessionId: "s", status: "online", expiresAt: 5_000 });
      expect(await store.claimLapsed(500, 10)).toEqual([]);
      expect(await store.sessions("u1")).toHaveLength(1);
    });

    test("offline announcements are claimed once when due, and can be cancelled", async () => {
      const [nodeA, nodeB] = [await make("shared"), await make("shared")];
      await nodeA.scheduleOffline("u1", 1000);
      await nodeA.scheduleOffline("u2", 1000);
      await nodeA.scheduleOffline("u3", 9000);
      await nodeB.cancelOffline("u2");
      expect(await nodeA.claimDueOffline(500, 10)).toEqual([]);
      const [a, b] = await Promise.all([nodeA.claimDueOffline(2000, 10), nodeB.claimDueOffline(2000, 10)]);
      expect([...a, ...b]).toEqual(["u1"]);
    });

    test("announced statuses default to offline and are read in bulk", async () => {
      const store = await make();
      expect(await store.announced("u1")).toBe("offline");
      await store.setAnnounced("u1", "dnd");
      await store.setAnnounced("u2", "online");
      await store.setAnnounced("u2", "offline");
      expect(await store.announced("u1")).toBe("dnd");
      expect([...(await store.statuses(["u1", "u2", "u3"]))]).toEqual([
        ["u1", "dnd"],
        ["u2", "offline"],
        ["u3", "offline"],
      ]);
      expect((await store.statuses([])).size).toBe(0);
    });
  });
}
