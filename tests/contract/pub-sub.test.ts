import { afterEach, describe, expect, test } from "bun:test";
import type { PubSub } from "../../src/shared/kernel/ports/pub-sub";
import { MemoryPubSub } from "../../src/shared/infrastructure/memory/memory-pub-sub";
import { RedisPubSub } from "../../src/shared/infrastructure/redis/redis-pub-sub";
import { adapterCases, closeAdapters, eventually, quietPeriod, redisClients, uniqueNamespace } from "../support/adapters";

const cases = adapterCases<PubSub>({
  memory: () => new MemoryPubSub(),
  redis: ({ command, subscriber }) => new RedisPubSub({ redis: command, subscriber }),
});

/** A handler that records what it receives. */
const recorder = () => {
  const received: string[] = [];
  return { received, handler: (message: string) => void received.push(message) };
};

for (const { name, make } of cases) {
  describe(`PubSub contract (${name})`, () => {
    afterEach(closeAdapters);

    test("delivers each message to every subscriber, in order, including those on another node", async () => {
      const namespace = uniqueNamespace();
      const [nodeA, nodeB] = [await make(namespace), await make(namespace)];
      const [first, second, remote] = [recorder(), recorder(), recorder()];
      await nodeA.subscribe("guild:1", first.handler);
      await nodeA.subscribe("guild:1", second.handler);
      await nodeB.subscribe("guild:1", remote.handler);
      for (const message of ["a", "b", "c"]) await nodeA.publish("guild:1", message);
      await eventually(() => {
        for (const { received } of [first, second, remote]) expect(received).toEqual(["a", "b", "c"]);
      });
    });

    test("delivers asynchronously, never inside publish()", async () => {
      const bus = await make();
      const { received, handler } = recorder();
      await bus.subscribe("user:1", handler);
      const publishing = bus.publish("user:1", "hi");
      expect(received).toEqual([]);
      await publishing;
      await eventually(() => expect(received).toEqual(["hi"]));
    });

    test("keeps topics apart", async () => {
      const bus = await make();
      const [one, two] = [recorder(), recorder()];
      await bus.subscribe("channel:1", one.handler);
      await bus.subscribe("channel:2", two.handler);
      await bus.publish("channel:2", "for two");
      await eventually(() => expect(two.received).toEqual(["for two"]));
      await quietPeriod(30);
      expect(one.received).toEqual([]);
    });

    test("unsubscribe(topic, handler) ends one subscription of that handler; an unknown one is a no-op", async () => {
      const bus = await make();
      const [shared, other] = [recorder(), recorder()];
      await bus.subscribe("user:9", shared.handler);
      await bus.subscribe("user:9", shared.handler);
      await bus.subscribe("user:9", other.handler);
      await bus.unsubscribe("user:9", shared.handler);
      await bus.publish("user:9", "both");
      await eventually(() => expect([shared.received, other.received]).toEqual([["both"], ["both"]]));
      await bus.unsubscribe("user:9", other.handler);
      await bus.unsubscribe("user:9", other.handler);
      await bus.unsubscribe("user:404", other.handler);
      await bus.unsubscribe("user:9", shared.handler);
      await bus.publish("user:9", "nobody");
      await quietPeriod(30);
      expect([shared.received, other.received]).toEqual([["both"], ["both"]]);
    });

    test("counts references: one unsubscribe leaves the other handler on the topic", async () => {
      const bus = await make();
      const [leaving, staying] = [recorder(), recorder()];
      const unsubscribe = await bus.subscribe("guild:7", leaving.handler);
      await bus.subscribe("guild:7", staying.handler);
      await unsubscribe();
      await unsubscribe(); // idempotent: must not release the other reference
      await bus.publish("guild:7", "after");
      await eventually(() => expect(staying.received).toEqual(["after"]));
      await quietPeriod(30);
      expect(leaving.received).toEqual([]);
    });

    test("the same function subscribed twice is two references", async () => {
      const bus = await make();
      const { received, handler } = recorder();
      const first = await bus.subscribe("guild:8", handler);
      await bus.subscribe("guild:8", handler);
      await first();
      await bus.publish("guild:8", "once");
      await eventually(() => expect(received).toEqual(["once"]));
    });

    test("after the last unsubscribe nothing more is delivered, and a new subscription works", async () => {
      const bus = await make();
      const gone = recorder();
      const unsubscribe = await bus.subscribe("guild:9", gone.handler);
      await bus.publish("guild:9", "before");
      await eventually(() => expect(gone.received).toEqual(["before"]));
      await unsubscribe();
      await bus.publish("guild:9", "after");
      const again = recorder();
      await bus.subscribe("guild:9", again.handler);
      await bus.publish("guild:9", "again");
      await eventually(() => expect(again.received).toEqual(["again"]));
      expect(gone.received).toEqual(["before"]);
    });

    test("a throwing handler does not stop delivery to the others", async () => {
      const bus = await make();
      const { received, handler } = recorder();
      await bus.subscribe("guild:3", () => {
        throw new Error("handler bug");
      });
      await bus.subscribe("guild:3", handler);
      const originalError = console.error;
      console.error = () => {}; // the adapters report the failure; keep the test output clean
      try {
        await bus.publish("guild:3", "still delivered");
        await eventually(() => expect(received).toEqual(["still delivered"]));
      } finally {
        console.error = originalError;
      }
    });

    test("is healthy while it can deliver", async () => {
      expect(await (await make()).healthy()).toBe(true);
    });
  });
}

describe("RedisPubSub on the Redis side", () => {
  afterEach(closeAdapters);

  test("SUBSCRIBEs a topic once and UNSUBSCRIBEs it when the last handler goes", async () => {
    const namespace = uniqueNamespace();
    const clients = redisClients(namespace);
    const bus = new RedisPubSub({ redis: clients.command, subscriber: clients.subscriber });
    const listeners = async () => {
      const reply = (await clients.command.call("PUBSUB", "NUMSUB", `${namespace}guild:5`)) as [string, number];
      return Number(reply[1]);
    };
    const first = await bus.subscribe("guild:5", () => {});
    const second = await bus.subscribe("guild:5", () => {});
    expect(await listeners()).toBe(1);
    await first();
    expect(await listeners()).toBe(1);
    await second();
    await eventually(async () => expect(await listeners()).toBe(0));
  });

  test("unsubscribe(topic, handler) ends one subscription of that handler, and the topic with its last", async () => {
    const namespace = uniqueNamespace();
    const clients = redisClients(namespace);
    const bus = new RedisPubSub({ redis: clients.command, subscriber: clients.subscriber });
    const listeners = async () => Number(((await clients.command.call("PUBSUB", "NUMSUB", `${namespace}user:5`)) as [string, number])[1]);
    const [shared, other] = [recorder(), recorder()];
    await bus.subscribe("user:5", shared.handler);
    await bus.subscribe("user:5", shared.handler);
    await bus.subscribe("user:5", other.handler);
    await bus.unsubscribe("user:5", shared.handler);
    await bus.publish("user:5", "one left");
    await eventually(() => expect(other.received).toEqual(["one left"]));
    expect(shared.received).toEqual(["one left"]);
    await bus.unsubscribe("user:5", other.handler);
    await bus.unsubscribe("user:5", other.handler); // not subscribed any more: nothing happens
    await bus.publish("user:5", "shared only");
    await eventually(() => expect(shared.received).toEqual(["one left", "shared only"]));
    expect(await listeners()).toBe(1);
    await bus.unsubscribe("user:5", shared.handler);
    await eventually(async () => expect(await listeners()).toBe(0));
  });

  test("subscribes its topics again on the new connection", async () => {
    const namespace = uniqueNamespace();
    const name = `xcord-test-${namespace.slice(5, -1)}`;
    const clients = redisClients(namespace, name);
    const bus = new RedisPubSub({ redis: clients.command, subscriber: clients.subscriber });
    const { received, handler } = recorder();
    await bus.subscribe("guild:1", handler);
    const subscriberId = async () => {
      const list = String(await clients.command.call("CLIENT", "LIST", "TYPE", "pubsub"));
      return [...list.matchAll(/id=(\d+) [^\n]*name=([^ ]+)/g)].find((match) => match[2] === `${name}:subscriber`)?.[1];
    };
    const before = await subscriberId();
    expect(before).toBeDefined();
    await clients.command.call("CLIENT", "KILL", "ID", before!);
    await eventually(async () => {
      const after = await subscriberId(); // listed as pubsub again only once it re-subscribed
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
    }, 5_000);
    await eventually(async () => {
      await bus.publish("guild:1", "back");
      expect(received).toContain("back");
    }, 5_000);
    await bus.close();
  });
});
