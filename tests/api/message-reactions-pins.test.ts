import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestUser } from "../support/identity";
import { type ApiClient, type GuildBody, expectError, expectStatus, generalOf, guildWith, startGuildServer } from "../support/guild";
import { type MessageBody, type UserBody, createTextChannel, history, openDm, overwriteMember, send, sendMany } from "../support/message";
import { MODES, type TestServer } from "../support/server";

const THUMBS = encodeURIComponent("👍");
const HEART = encodeURIComponent("❤️");

for (const mode of MODES) {
  describe(`reactions, pins and bulk delete (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let outsider: TestUser;
    let guild: GuildBody;
    let general: string;

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob, outsider] } = await startGuildServer(mode, 4));
      ({ guild } = await guildWith(api, owner, { name: "Reactions", members: [alice, bob] }));
      general = generalOf(guild).id;
    });
    afterAll(() => server.stop());

    const reactionsOf = async (as: TestUser, channel: string, id: string) =>
      expectStatus(await api.get<MessageBody>(`/channels/${channel}/messages/${id}`, as), 200).reactions;

    describe("reactions", () => {
      test("a user reacts once per emoji; counts and `me` follow the viewer; PUT twice is idempotent", async () => {
        const message = await send(api, owner, general, "react to me");
        const path = `/channels/${general}/messages/${message.id}/reactions`;
        expectStatus(await api.put(`${path}/${THUMBS}/@me`, alice), 204);
        expectStatus(await api.put(`${path}/${THUMBS}/@me`, alice), 204);
        expectStatus(await api.put(`${path}/${THUMBS}/@me`, bob), 204);
        expectStatus(await api.put(`${path}/${HEART}/@me`, bob), 204);
        expect(await reactionsOf(alice, general, message.id)).toEqual([
          { emoji: { id: null, name: "👍" }, count: 2, me: true },
          { emoji: { id: null, name: "❤️" }, count: 1, me: false },
        ]);
        expect((await reactionsOf(owner, general, message.id)).map((reaction) => reaction.me)).toEqual([false, false]);
        expect((await history(api, bob, general, "limit=1"))[0]!.reactions.map((reaction) => [reaction.count, reaction.me])).toEqual([
          [2, true],
          [1, true],
        ]);
        const users = expectStatus(await api.get<UserBody[]>(`${path}/${THUMBS}`, owner), 200);
        expect(users.map((user) => user.id)).toEqual([alice.user.id, bob.user.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
        const firstPage = expectStatus(await api.get<UserBody[]>(`${path}/${THUMBS}?limit=1`, owner), 200);
        const secondPage = expectStatus(await api.get<UserBody[]>(`${path}/${THUMBS}?limit=1&after=${firstPage[0]!.id}`, owner), 200);
        expect([...firstPage, ...secondPage].map((user) => user.id)).toEqual(users.map((user) => user.id));

        expectStatus(await api.delete(`${path}/${THUMBS}/@me`, alice), 204);
        expectStatus(await api.delete(`${path}/${THUMBS}/@me`, alice), 204);
        expect(await reactionsOf(alice, general, message.id)).toEqual([
          { emoji: { id: null, name: "👍" }, count: 1, me: false },
          { emoji: { id: null, name: "❤️" }, count: 1, me: false },
        ]);
      });

      test("only unicode emoji; unknown messages 404 10008; ADD_REACTIONS is needed (403 50013); strangers 403 50001", async () => {
        const message = await send(api, owner, general, "strict reactions");
        const path = `/channels/${general}/messages/${message.id}/reactions`;
        for (const bad of ["a", encodeURIComponent("👍👍"), encodeURIComponent("<:x:1>"), "%F0%9F"]) {
          expectError(await api.put(`${path}/${bad}/@me`, alice), 400, 50035);
        }
        expectError(await api.put(`/channels/${general}/messages/123/reactions/${THUMBS}/@me`, alice), 404, 10008);
        expectError(await api.put(`${path}/${THUMBS}/@me`, outsider), 403, 50001);
        const quiet = await createTextChannel(api, owner, guild.id, "no-reactions");
        const there = await send(api, owner, quiet.id, "no reacting here");
        await overwriteMember(api, owner, quiet.id, alice.user.id, { deny: ["ADD_REACTIONS"] });
        expectError(await api.put(`/channels/${quiet.id}/messages/${there.id}/reactions/${THUMBS}/@me`, alice), 403, 50013);
      });

      test("at most 20 different emojis per message", async () => {
        const message = await send(api, owner, general, "emoji limit");
        const emojis = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩"];
        for (const emoji of emojis.slice(0, 20)) expectStatus(await api.put(`/channels/${general}/messages/${message.id}/reactions/${encodeURIComponent(emoji)}/@me`, alice), 204);
        expectError(await api.put(`/channels/${general}/messages/${message.id}/reactions/${encodeURIComponent(emojis[20]!)}/@me`, alice), 400, 30001);
        expectStatus(await api.put(`/channels/${general}/messages/${message.id}/reactions/${encodeURIComponent(emojis[0]!)}/@me`, bob), 204);
      });
    });

    describe("pins", () => {
      test("MANAGE_MESSAGES pins and unpins; everyone who can read lists pins, newest pin first", async () => {
        const channel = (await createTextChannel(api, owner, guild.id, "pinboard")).id;
        const [first, second] = await sendMany(api, alice, channel, 2, "pin");
        expectError(await api.put(`/channels/${channel}/pins/${first!.id}`, alice), 403, 50013);
        expectStatus(await api.put(`/channels/${channel}/pins/${first!.id}`, owner), 204);
        expectStatus(await api.put(`/channels/${channel}/pins/${second!.id}`, owner), 204);
        expectStatus(await api.put(`/channels/${channel}/pins/${second!.id}`, owner), 204);
        const pins = expectStatus(await api.get<MessageBody[]>(`/channels/${channel}/pins`, alice), 200);
        expect(pins.map((message) => [message.id, message.pinned])).toEqual([
          [second!.id, true],
          [first!.id, true],
        ]);
        expectError(await api.put(`/channels/${channel}/pins/123`, owner), 404, 10008);
        expectError(await api.get(`/channels/${channel}/pins`, outsider), 403, 50001);
        expectStatus(await api.delete(`/channels/${channel}/pins/${first!.id}`, owner), 204);
        expect(expectStatus(await api.get<MessageBody[]>(`/channels/${channel}/pins`, bob), 200).map((message) => message.id)).toEqual([second!.id]);
        expect(expectStatus(await api.get<MessageBody>(`/channels/${channel}/messages/${first!.id}`, bob), 200).pinned).toBe(false);
      });

      test("at most 50 pins per channel (400 30001); a pinned message that is deleted leaves the pins", async () => {
        const channel = (await createTextChannel(api, owner, guild.id, "many-pins")).id;
        const messages = await sendMany(api, owner, channel, 51, "p");
        for (const message of messages.slice(0, 50)) expectStatus(await api.put(`/channels/${channel}/pins/${message.id}`, owner), 204);
        expectError(await api.put(`/channels/${channel}/pins/${messages[50]!.id}`, owner), 400, 30001);
        expectStatus(await api.put(`/channels/${channel}/pins/${messages[3]!.id}`, owner), 204);
        expectStatus(await api.delete(`/channels/${channel}/messages/${messages[0]!.id}`, owner), 204);
        const pins = expectStatus(await api.get<MessageBody[]>(`/channels/${channel}/pins`, owner), 200);
        expect(pins).toHaveLength(49);
        expect(pins.map((message) => message.id)).not.toContain(messages[0]!.id);
        expectStatus(await api.put(`/channels/${channel}/pins/${messages[50]!.id}`, owner), 204);
      }, 30_000);

      test("in a DM either participant may pin", async () => {
        const dm = await openDm(api, alice, bob);
        const message = await send(api, bob, dm.id, "remember this");
        expectStatus(await api.put(`/channels/${dm.id}/pins/${message.id}`, alice), 204);
        expect(expectStatus(await api.get<MessageBody[]>(`/channels/${dm.id}/pins`, bob), 200).map((m) => m.id)).toEqual([message.id]);
      });
    });

    describe("bulk delete", () => {
      test("MANAGE_MESSAGES deletes 2–100 messages of the channel at once", async () => {
        const channel = (await createTextChannel(api, owner, guild.id, "cleanup")).id;
        const messages = await sendMany(api, alice, channel, 5, "spam");
        const ids = messages.slice(0, 3).map((message) => message.id);
        expectError(await api.post(`/channels/${channel}/messages/bulk-delete`, alice, { messages: ids }), 403, 50013);
        expectError(await api.post(`/channels/${channel}/messages/bulk-delete`, outsider, { messages: ids }), 403, 50001);
        expectStatus(await api.post(`/channels/${channel}/messages/bulk-delete`, owner, { messages: ids }), 204);
        expect((await history(api, owner, channel)).map((message) => message.id)).toEqual([messages[4]!.id, messages[3]!.id]);
      });

      test("bad lists are refused whole: too few, too many, duplicates, other channels' or unknown ids, not an id", async () => {
        const channel = (await createTextChannel(api, owner, guild.id, "bulk-validation")).id;
        const [a, b] = await sendMany(api, alice, channel, 2, "keep");
        const elsewhere = await send(api, alice, general, "not in that channel");
        const bulk = (messages: unknown) => api.post(`/channels/${channel}/messages/bulk-delete`, owner, { messages });
        expectError(await bulk([a!.id]), 400, 50035);
        expectError(await bulk(Array.from({ length: 101 }, (_, i) => String(BigInt(a!.id) + BigInt(i)))), 400, 50035);
        expectError(await bulk([a!.id, a!.id]), 400, 50035);
        expectError(await bulk([a!.id, elsewhere.id]), 400, 50035);
        expectError(await bulk([a!.id, String(BigInt(b!.id) + 1n)]), 400, 50035);
        expectError(await bulk([a!.id, "nope"]), 400, 50035);
        expectError(await bulk([a!.id, "1"]), 400, 50035);
        expectError(await api.post(`/channels/${channel}/messages/bulk-delete`, owner, { messages: [a!.id, b!.id], reason: "x" }), 400, 50035);
        expect(await history(api, owner, channel)).toHaveLength(2);
        expect(expectStatus(await api.get<MessageBody>(`/channels/${general}/messages/${elsewhere.id}`, owner), 200).id).toBe(elsewhere.id);
      });
    });
  });
}
