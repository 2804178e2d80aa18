import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectGateway, gatewaySessions } from "../support/gateway";
import type { TestUser } from "../support/identity";
import { type ApiClient, expectStatus, generalOf, guildWith, registerUsers, startGuildServer } from "../support/guild";
import { type MessageBody, openDm, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";
import { DrizzleReadStateRepository } from "../../src/shared/infrastructure/postgres/drizzle-read-state-repository";

type Delivered = MessageBody & { delivery?: string };

for (const mode of MODES) {
  describe(`DM delivery status, an XCord extension (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sessions = gatewaySessions(() => server.url);
    beforeAll(async () => {
      ({ server, api } = await startGuildServer(mode, 0));
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    const connect = async (user: TestUser) => (await sessions.connect(user)).client;
    const statuses = async (as: TestUser, channelId: string) =>
      expectStatus(await api.get<Delivered[]>(`/channels/${channelId}/messages`, as), 200).map((message) => [message.content, message.delivery]);

    test("sent while the recipient is away, delivered once a session of theirs gets it, read once they ack; only the sender sees it", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      const dm = await openDm(api, alice, bob);
      await send(api, alice, dm.id, "one");
      await send(api, bob, dm.id, "from bob");
      // Each sees the status of their own messages only.
      expect(await statuses(alice, dm.id)).toEqual([["from bob", undefined], ["one", "sent"]]);
      expect(await statuses(bob, dm.id)).toEqual([["from bob", "sent"], ["one", undefined]]);

      const [alices, bobs] = await Promise.all([connect(alice), connect(bob)]);
      const two = await send(api, alice, dm.id, "two");
      await bobs.dispatch("MESSAGE_CREATE", (d) => d.id === two.id);
      const delivered = await alices.dispatch("MESSAGE_DELIVERY_UPDATE", (d) => d.message_id === two.id);
      expect(delivered.d).toEqual({ channel_id: dm.id, message_id: two.id, user_id: bob.user.id, status: "delivered" });
      // Everything of Alice's up to it is delivered, earlier messages included.
      expect(await statuses(alice, dm.id)).toEqual([["two", "delivered"], ["from bob", undefined], ["one", "delivered"]]);

      expectStatus(await api.post(`/channels/${dm.id}/messages/${two.id}/ack`, bob), 204);
      const read = await alices.dispatch("MESSAGE_DELIVERY_UPDATE", (d) => d.status === "read");
      expect(read.d).toEqual({ channel_id: dm.id, message_id: two.id, user_id: bob.user.id, status: "read" });
      expect(expectStatus(await api.get<Delivered>(`/channels/${dm.id}/messages/${two.id}`, alice), 200).delivery).toBe("read");
      expect(expectStatus(await api.get<Delivered>(`/channels/${dm.id}/messages/${two.id}`, bob), 200).delivery).toBeUndefined();
      // Bob hears of his own ack, and of no delivery update: those are for the sender.
      await bobs.dispatch("MESSAGE_ACK", (d) => d.message_id === two.id);
      expect(bobs.dispatches("MESSAGE_DELIVERY_UPDATE")).toEqual([]);
      // A later message is sent again until it reaches Bob.
      bobs.close();
      await bobs.closed();
      await send(api, alice, dm.id, "three");
      expect((await statuses(alice, dm.id))[0]).toEqual(["three", "sent"]);
    });

    test("a mark only moves forward; a mark of an unknown channel is dropped", async () => {
      const [alice, bob] = await registerUsers(server, 2);
      const dm = await openDm(api, alice, bob);
      const [one, two] = [await send(api, alice, dm.id, "one"), await send(api, alice, dm.id, "two")];
      const repository = new DrizzleReadStateRepository(server.app.database.statements);
      const mark = (messageId: string, channelId = dm.id) => ({ channelId, userId: bob.user.id, messageId });
      expect(await repository.markDelivered([mark(two.id)])).toEqual([mark(two.id)]);
      expect(await repository.markDelivered([mark(one.id)])).toEqual([]);
      expect(await repository.markDelivered([mark(two.id)])).toEqual([]);
      expect(await repository.delivery(dm.id, bob.user.id)).toEqual({ deliveredUpTo: two.id, readUpTo: null });
      expect(await repository.markDelivered([mark(two.id, "1")])).toEqual([]);
      expect(await statuses(alice, dm.id)).toEqual([["two", "delivered"], ["one", "delivered"]]);
    });

    test("the author's own sessions mark nothing; a session without the DIRECT_MESSAGES intent marks nothing; guild messages carry no status", async () => {
      const [owner, alice, bob] = await registerUsers(server, 3);
      const dm = await openDm(api, alice, bob);
      const alices = await connect(alice);
      const first = await send(api, alice, dm.id, "to an offline bob");
      await alices.dispatch("MESSAGE_CREATE", (d) => d.id === first.id);
      // A session of Bob's that asked for no DM events (intents without DIRECT_MESSAGES, 1 << 12) is not a delivery.
      const quiet = await connectGateway(server.url);
      sessions.track(quiet);
      await quiet.next((frame) => frame.op === 10, "HELLO");
      quiet.send({ op: 2, d: { token: bob.access_token, intents: 1, properties: { os: "linux", browser: "xcord-tests", device: "xcord-tests" } } });
      await quiet.dispatch("READY");
      const second = await send(api, alice, dm.id, "to a quiet bob");
      const bobs = await connect(bob);
      const third = await send(api, alice, dm.id, "to a listening bob");
      await bobs.dispatch("MESSAGE_CREATE", (d) => d.id === third.id);
      await alices.dispatch("MESSAGE_DELIVERY_UPDATE", (d) => d.message_id === third.id);
      expect(alices.dispatches("MESSAGE_DELIVERY_UPDATE").map((frame) => frame.d.message_id)).toEqual([third.id]);
      expect(quiet.dispatches("MESSAGE_CREATE").map((frame) => frame.d.id)).not.toContain(second.id);

      const { guild } = await guildWith(api, owner, { name: "No status", members: [alice] });
      await send(api, alice, generalOf(guild).id, "in a guild");
      const [inGuild] = expectStatus(await api.get<Delivered[]>(`/channels/${generalOf(guild).id}/messages?limit=1`, alice), 200);
      expect(inGuild?.delivery).toBeUndefined();
    });
  });
}
