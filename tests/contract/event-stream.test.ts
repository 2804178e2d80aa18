import { afterEach, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import type { EventStream } from "../../src/shared/kernel/ports/event-stream";
import { MemoryEventStream } from "../../src/shared/infrastructure/memory/memory-event-stream";
import { RedisEventStream } from "../../src/shared/infrastructure/redis/redis-event-stream";
import { adapterCases, closeAdapters, eventually, quietPeriod, uniqueNamespace } from "../support/adapters";

const cases = adapterCases<EventStream>({
  memory: () => new MemoryEventStream(),
  redis: ({ command }) => new RedisEventStream({ redis: command }),
});

let nextId = 1;
const event = (type = "MESSAGE_SENT"): DomainEvent => {
  const id = String(nextId++);
  return { id, type, occurredAt: new Date(Date.UTC(2026, 0, 1)).toISOString(), topics: [`channel:${id}`], data: { id, nested: { ok: true } } };
};
const events = (count: number) => Array.from({ length: count }, () => event());
const ids = (list: readonly DomainEvent[]) => list.map((e) => e.id);

/** A handler recording each delivery. */
const collector = () => {
  const received: DomainEvent[] = [];
  return { received, handler: async (e: DomainEvent) => void received.push(e) };
};

/** Fast retries so redelivery tests take milliseconds. */
const QUICK = { retryAfterMs: 80, maxDeliveries: 3 };

for (const { name, make } of cases) {
  describe(`EventStream contract (${name})`, () => {
    afterEach(closeAdapters);

    test("readSince returns what was appended from a time on, oldest first, up to the limit", async () => {
      const stream = await make();
      const before = events(3);
      await stream.append(before);
      // Stream ids have millisecond resolution: wait until the clock has moved past the first batch.
      const boundary = Date.now() + 1;
      await eventually(() => expect(Date.now()).toBeGreaterThan(boundary));
      const after = events(5);
      await stream.append(after);
      expect(ids(await stream.readSince(boundary, 100))).toEqual(ids(after));
      expect(ids(await stream.readSince(boundary, 2))).toEqual(ids(after.slice(0, 2)));
      expect(ids(await stream.readSince(0, 100))).toEqual(ids([...before, ...after]));
      expect(await stream.readSince(Date.now() + 60_000, 10)).toEqual([]);
    });

    test("delivers events in the order they were appended, as they were appended", async () => {
      const stream = await make();
      const { received, handler } = collector();
      await stream.consume({ group: "gateway", consumer: "node-1" }, handler);
      const [first, second] = [events(10), events(15)];
      await stream.append(first);
      await stream.append(second);
      await eventually(() => expect(ids(received)).toEqual(ids([...first, ...second])));
      expect(received[0]).toEqual(first[0]!);
    });

    test("a new group starts from the beginning of the stream: nothing appended before is lost", async () => {
      const stream = await make();
      const before = events(3);
      await stream.append(before);
      const { received, handler } = collector();
      await stream.consume({ group: "late", consumer: "node-1" }, handler);
      const after = events(2);
      await stream.append(after);
      await eventually(() => expect(ids(received)).toEqual(ids([...before, ...after])));
    });

    test("each group receives every event", async () => {
      const stream = await make();
      const [search, audit] = [collector(), collector()];
      await stream.consume({ group: "search", consumer: "node-1" }, search.handler);
      await stream.consume({ group: "audit", consumer: "node-1" }, audit.handler);
      const appended = events(20);
      await stream.append(appended);
      await eventually(() => {
        expect(ids(search.received)).toEqual(ids(appended));
        expect(ids(audit.received)).toEqual(ids(appended));
      });
    });

    test("a group reading some types gets only those, in order, and acknowledges the others: none is delivered later", async () => {
      const stream = await make();
      const bans = collector();
      const stop = await stream.consume({ group: "bans", consumer: "node-1", types: new Set(["BAN_ADDED"]), ...QUICK }, bans.handler);
      const appended = [event(), event("BAN_ADDED"), event(), event(), event("BAN_ADDED"), event("CHANNEL_UPDATED")];
      await stream.append(appended);
      const wanted = appended.filter((e) => e.type === "BAN_ADDED");
      await eventually(() => expect(ids(bans.received)).toEqual(ids(wanted)));
      await stop();
      // Anything the group left pending would reach this member after retryAfterMs (80 ms): only the new event does.
      const everything = collector();
      await stream.consume({ group: "bans", consumer: "node-2", ...QUICK }, everything.handler);
      const later = event();
      await stream.append([later]);
      await eventually(() => expect(ids(everything.received)).toEqual([later.id]));
      await quietPeriod(QUICK.retryAfterMs * 3);
      expect(ids(everything.received)).toEqual([later.id]);
      expect(await stream.deadLetters()).toEqual([]);
    });

    test("members of one group, on two nodes, split the events without duplicates", async () => {
      const namespace = uniqueNamespace();
      const [nodeA, nodeB] = [await make(namespace), await make(namespace)];
      const [a, b] = [collector(), collector()];
      const slow = (handler: (e: DomainEvent) => Promise<void>) => async (e: DomainEvent) => {
        await Bun.sleep(2);
        await handler(e);
      };
      await nodeA.consume({ group: "workers", consumer: "a", batchSize: 1 }, slow(a.handler));
      await nodeB.consume({ group: "workers", consumer: "b", batchSize: 1 }, slow(b.handler));
      const appended = events(40);
      await nodeA.append(appended);
      await eventually(() => expect(a.received.length + b.received.length).toBe(40), 5_000);
      const all = ids([...a.received, ...b.received]);
      expect(new Set(all).size).toBe(40);
      expect(all.sort()).toEqual(ids(appended).sort());
      expect(a.received.length).toBeGreaterThan(0);
      expect(b.received.length).toBeGreaterThan(0);
    });

    test("an event whose handler throws is delivered again after retryAfterMs, then acknowledged", async () => {
      const stream = await make();
      const appended = events(3);
      const failOnce = new Set([appended[1]!.id]);
      const deliveries: string[] = [];
      await stream.consume({ group: "g", consumer: "node-1", ...QUICK }, async (e) => {
        deliveries.push(e.id);
        if (failOnce.delete(e.id)) throw new Error("transient");
      });
      await stream.append(appended);
      await eventually(() => expect(deliveries.filter((id) => id === appended[1]!.id)).toHaveLength(2));
      await quietPeriod(QUICK.retryAfterMs * 3);
      expect(deliveries.sort()).toEqual(ids([appended[0]!, appended[1]!, appended[1]!, appended[2]!]).sort());
      expect(await stream.deadLetters()).toEqual([]);
    });

    test("after maxDeliveries failures the event goes to the dead letters, with its group, count and error", async () => {
      const stream = await make();
      const [poison, fine] = [event("POISON"), event()];
      const attempts: string[] = [];
      await stream.consume({ group: "mailer", consumer: "node-1", ...QUICK }, async (e) => {
        attempts.push(e.id);
        if (e.type === "POISON") throw new Error(`cannot handle ${e.id}`);
      });
      await stream.append([poison, fine]);
      await eventually(async () => expect(await stream.deadLetters()).toHaveLength(1), 3_000);
      expect(await stream.deadLetters()).toEqual([
        { event: poison, group: "mailer", deliveries: QUICK.maxDeliveries, error: `cannot handle ${poison.id}` },
      ]);
      await quietPeriod(QUICK.retryAfterMs * 3);
      expect(attempts.filter((id) => id === poison.id)).toHaveLength(QUICK.maxDeliveries);
      expect(attempts.filter((id) => id === fine.id)).toHaveLength(1);
    });

    test("an event left pending by a stopped member goes to another member of the group", async () => {
      const namespace = uniqueNamespace();
      const [nodeA, nodeB] = [await make(namespace), await make(namespace)];
      const failing = await nodeA.consume({ group: "g", consumer: "a", ...QUICK }, async () => {
        throw new Error("node a is broken");
      });
      const appended = events(2);
      await nodeA.append(appended);
      await quietPeriod(20);
      await failing();
      const { received, handler } = collector();
      await nodeB.consume({ group: "g", consumer: "b", ...QUICK }, handler);
      await eventually(() => expect(ids(received).sort()).toEqual(ids(appended).sort()), 3_000);
    });

    test("an event a member holds without ever acknowledging goes to the dead letters when its deliveries run out", async () => {
      const namespace = uniqueNamespace();
      const [nodeA, nodeB] = [await make(namespace), await make(namespace)];
      let release = () => {};
      const hung = new Promise<void>((resolve) => (release = resolve));
      const stuck = event();
      await nodeA.consume({ group: "g", consumer: "a", retryAfterMs: 80, maxDeliveries: 1 }, () => hung);
      await nodeA.append([stuck]);
      const { received, handler } = collector();
      await nodeB.consume({ group: "g", consumer: "b", retryAfterMs: 80, maxDeliveries: 1 }, handler);
      try {
        await eventually(async () => expect(await nodeB.deadLetters()).toHaveLength(1), 3_000);
        const [dead] = await nodeB.deadLetters();
        expect(dead).toMatchObject({ event: stuck, group: "g", deliveries: 1 });
        expect(dead!.error).toContain("not acknowledged");
        expect(received).toEqual([]);
      } finally {
        release();
      }
    });

    test("stop() ends the consumer promptly; later events wait for the next consumer", async () => {
      const stream = await make();
      const first = collector();
      const stop = await stream.consume({ group: "g", consumer: "node-1" }, first.handler);
      const started = Date.now();
      await stop();
      expect(Date.now() - started).toBeLessThan(500);
      const appended = events(2);
      await stream.append(appended);
      await quietPeriod(50);
      expect(first.received).toEqual([]);
      const second = collector();
      await stream.consume({ group: "g", consumer: "node-1" }, second.handler);
      await eventually(() => expect(ids(second.received)).toEqual(ids(appended)));
    });

    test("deadLetters is empty on a fresh stream, and the adapter is healthy", async () => {
      const stream = await make();
      expect(await stream.deadLetters()).toEqual([]);
      expect(await stream.healthy()).toBe(true);
    });
  });
}
