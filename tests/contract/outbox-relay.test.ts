import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { idempotentHandler } from "../../src/shared/infrastructure/idempotent-consumer";
import { outbox } from "../../src/shared/infrastructure/postgres/outbox-schema";
import { redisControlAvailable, startRedis, stopRedis } from "../support/redis-control";
import { MODES, type TestServer, modeNamed, startServer, waitFor } from "../support/server";

const uniqueTopic = () => `system:test-${crypto.randomUUID()}` as const;

/** Collects what a consumer group receives, keeping duplicates so the test can see them. */
const collectStream = async (server: TestServer, group: string, filter: (event: DomainEvent) => boolean) => {
  const received: DomainEvent[] = [];
  const stop = await server.app.adapters.stream.consume(
    { group, consumer: "test", retryAfterMs: 200 },
    idempotentHandler(server.app.adapters.kv, group, async (event) => {
      if (filter(event)) received.push(event);
    }),
  );
  return { received, stop };
};

for (const mode of MODES) {
  describe(`outbox relay (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode);
    });
    afterAll(() => server.stop());

    test("events committed with a change reach pub/sub and the stream, once each, in commit order", async () => {
      const topic = uniqueTopic();
      const heard: string[] = [];
      const unsubscribe = await server.app.adapters.pubSub.subscribe(topic, (message) => heard.push(message));
      const group = `g-${crypto.randomUUID()}`;
      const stream = await collectStream(server, group, (event) => event.topics.includes(topic));

      const written = await server.app.transact(async (tx, writer) => {
        const first = await writer.write(tx, [{ type: "TEST_ONE", topics: [topic], data: { n: 1 } }]);
        const second = await writer.write(tx, [{ type: "TEST_TWO", topics: [topic], data: { n: 2 } }]);
        return [...first, ...second];
      });

      // Published before the write answered: the stream already holds both.
      const inStream = await server.app.adapters.stream.readSince(Date.parse(written[0]!.occurredAt) - 1000, 10_000);
      expect(inStream.filter((event) => event.topics.includes(topic)).map((event) => event.id)).toEqual(written.map((event) => event.id));
      await waitFor(() => heard.length === 2 && stream.received.length === 2, { what: "both events" });
      expect(heard.map((message) => (JSON.parse(message) as DomainEvent).type)).toEqual(["TEST_ONE", "TEST_TWO"]);
      expect(stream.received.map((event) => event.id)).toEqual(written.map((event) => event.id));
      await server.app.relay.flush(); // writes the pending marks
      const rows = await server.app.database.db.select().from(outbox).where(eq(outbox.id, written[0]!.id));
      expect(rows[0]?.publishedAt).toBeInstanceOf(Date);
      await unsubscribe();
      await stream.stop();
    });

    test("a rolled-back change publishes nothing", async () => {
      const topic = uniqueTopic();
      const heard: string[] = [];
      const unsubscribe = await server.app.adapters.pubSub.subscribe(topic, (message) => heard.push(message));
      await expect(
        server.app.transact(async (tx, writer) => {
          await writer.write(tx, [{ type: "TEST_ROLLED_BACK", topics: [topic], data: {} }]);
          throw new Error("the change fails after recording its event");
        }),
      ).rejects.toThrow("the change fails");
      // A later event on the same topic arriving alone proves the first was never relayed.
      await server.app.transact((tx, writer) => writer.write(tx, [{ type: "TEST_AFTER", topics: [topic], data: {} }]));
      await waitFor(() => heard.length > 0, { what: "the later event" });
      await server.app.relay.flush();
      expect(heard.map((message) => (JSON.parse(message) as DomainEvent).type)).toEqual(["TEST_AFTER"]);
      await unsubscribe();
    });

    test("the safety net publishes a committed row nobody published (its node died) once it is overdue, and only then", async () => {
      const topic = uniqueTopic();
      const heard: string[] = [];
      const unsubscribe = await server.app.adapters.pubSub.subscribe(topic, (message) => heard.push(message));
      // Rows as a node leaves them when it dies between its commit and its publish: one just now, one 10 s ago.
      const row = (type: string, occurredAt: Date) => ({ id: String(BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000))), type, topics: [topic], data: {}, occurredAt });
      const fresh = row("TEST_FRESH", new Date());
      // Recorded by a traced request: the trace travels with the event, whoever publishes it.
      const trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const overdue = { ...row("TEST_OVERDUE", new Date(Date.now() - 10_000)), trace };
      await server.app.database.db.insert(outbox).values([fresh, overdue]);
      await server.app.relay.flush();
      await waitFor(() => heard.length > 0, { what: "the overdue row" });
      expect(heard.map((message) => (JSON.parse(message) as DomainEvent).type)).toEqual(["TEST_OVERDUE"]);
      expect((JSON.parse(heard[0]!) as DomainEvent).trace).toBe(trace);
      const [freshRow] = await server.app.database.db.select().from(outbox).where(eq(outbox.id, fresh.id));
      expect(freshRow?.publishedAt).toBeNull(); // still within the grace its own node had to publish it
      await server.app.database.db.delete(outbox).where(eq(outbox.id, fresh.id));
      await unsubscribe();
    });
  });
}

describe("outbox relay through a Redis outage (postgres+redis)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(modeNamed("postgres+redis"));
  });
  afterAll(async () => {
    await startRedis();
    await server.stop();
  });

  test("a change committed while the bus is down is published once it is back, exactly once per consumer", async () => {
    expect(redisControlAvailable()).toBe(true);
    const topic = uniqueTopic();
    const groups = [`a-${crypto.randomUUID()}`, `b-${crypto.randomUUID()}`];
    const consumers = await Promise.all(groups.map((group) => collectStream(server, group, (e) => e.topics.includes(topic))));

    await stopRedis();
    const [event] = await server.app.transact((tx, writer) =>
      writer.write(tx, [{ type: "TEST_DURING_OUTAGE", topics: [topic], data: { ok: true } }]),
    );
    // The write committed although the bus is down; the relay keeps the row until the bus takes it.
    const pending = await server.app.database.db.select().from(outbox).where(eq(outbox.id, event!.id));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.publishedAt).toBeNull();

    await startRedis();
    await waitFor(() => consumers.every((consumer) => consumer.received.length >= 1), {
      timeoutMs: 20_000,
      what: "both groups to receive the event after Redis returns",
    });
    await server.app.relay.flush();
    for (const consumer of consumers) {
      expect(consumer.received.map((e) => e.id)).toEqual([event!.id]);
      await consumer.stop();
    }
    const published = await server.app.database.db.select().from(outbox).where(eq(outbox.id, event!.id));
    expect(published[0]?.publishedAt).toBeInstanceOf(Date);
  }, 40_000);

  // Found by the topology suite (tests/topology): a send answered 2xx while Redis was down waited in the outbox for
  // the safety net, and the same client's next send, once Redis was back, was published directly ahead of it.
  test("a change committed once the bus is back is published after the ones that waited in the outbox, not before", async () => {
    expect(redisControlAvailable()).toBe(true);
    const topic = uniqueTopic();
    const consumer = await collectStream(server, `order-${crypto.randomUUID()}`, (e) => e.topics.includes(topic));
    await stopRedis();
    const [during] = await server.app.transact((tx, writer) => writer.write(tx, [{ type: "TEST_DURING_OUTAGE", topics: [topic], data: { n: 1 } }]));
    await startRedis();
    // The bus takes publishes again; the first event is still in the outbox (the safety net waits 3 s for it).
    await waitFor(
      () =>
        server.app.adapters.pubSub.publish(uniqueTopic(), "probe").then(
          () => true,
          () => false,
        ),
      { timeoutMs: 10_000, what: "the bus to take publishes again" },
    );
    const [after] = await server.app.transact((tx, writer) => writer.write(tx, [{ type: "TEST_AFTER_OUTAGE", topics: [topic], data: { n: 2 } }]));
    await waitFor(() => consumer.received.length >= 2, { timeoutMs: 20_000, what: "both events in the stream" });
    expect(consumer.received.map((e) => e.id)).toEqual([during!.id, after!.id]);
    await consumer.stop();
  }, 40_000);
});
