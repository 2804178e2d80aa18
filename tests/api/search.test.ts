import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestUser } from "../support/identity";
import { type ApiClient, type GuildBody, expectError, expectStatus, generalOf, guildWith, startGuildServer } from "../support/guild";
import { type MessageBody, createTextChannel, openDm, overwriteMember, send, sendMany } from "../support/message";
import { MODES, type TestServer } from "../support/server";

interface SearchBody {
  total_results: number;
  messages: MessageBody[];
}

for (const mode of MODES) {
  describe(`message search (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    let guild: GuildBody;
    let general: string;
    let hidden: string;
    let noHistory: string;

    beforeAll(async () => {
      ({ server, api, users: [owner, member, outsider] } = await startGuildServer(mode, 3));
      ({ guild } = await guildWith(api, owner, { name: "Search", members: [member] }));
      general = generalOf(guild).id;
      hidden = (await createTextChannel(api, owner, guild.id, "staff-only")).id;
      await overwriteMember(api, owner, hidden, member.user.id, { deny: ["VIEW_CHANNEL"] });
      noHistory = (await createTextChannel(api, owner, guild.id, "no-history")).id;
      await overwriteMember(api, owner, noHistory, member.user.id, { deny: ["READ_MESSAGE_HISTORY"] });
    });
    afterAll(() => server.stop());

    const search = async (as: TestUser, query: string, guildId = guild.id) =>
      expectStatus(await api.get<SearchBody>(`/guilds/${guildId}/messages/search?${query}`, as), 200);
    const q = (content: string) => `content=${encodeURIComponent(content)}`;

    test("finds words in any language, any case, newest first", async () => {
      const turkish = await send(api, member, general, "Çalışma İstanbul ğüşıöç toplantısı");
      const english = await send(api, member, general, "The Quick brown fox");
      for (const word of ["Çalışma", "İstanbul", "ğüşıöç", "toplantısı", "Çalışma İstanbul"]) {
        expect((await search(member, q(word))).messages.map((message) => message.id)).toEqual([turkish.id]);
      }
      expect((await search(member, q("quick FOX"))).messages.map((message) => message.id)).toEqual([english.id]);
      expect((await search(member, q("quick cat"))).total_results).toBe(0);
      const found = await search(member, q("fox"));
      expect(found.messages[0]).toMatchObject({ id: english.id, content: "The Quick brown fox", author: { id: member.user.id } });
    });

    test("never returns messages from channels the caller cannot read, nor from DMs", async () => {
      const visible = await send(api, owner, general, "banana visible");
      const secret = await send(api, owner, hidden, "banana secret");
      const unreadable = await send(api, owner, noHistory, "banana unreadable");
      const dm = await openDm(api, owner, member);
      await send(api, owner, dm.id, "banana private");
      const asMember = await search(member, q("banana"));
      expect({ total: asMember.total_results, ids: asMember.messages.map((message) => message.id) }).toEqual({ total: 1, ids: [visible.id] });
      expect((await search(member, `${q("banana")}&channel_id=${hidden}`)).total_results).toBe(0);
      const asOwner = await search(owner, q("banana"));
      expect(asOwner.messages.map((message) => message.id)).toEqual([unreadable.id, secret.id, visible.id]);
      expect(asOwner.total_results).toBe(3);
    });

    test("filters by author and channel; pages with limit and offset", async () => {
      const channel = (await createTextChannel(api, owner, guild.id, "fruit")).id;
      const pears = await sendMany(api, member, channel, 30, "pear");
      const ownerPear = await send(api, owner, channel, "pear from the owner");
      const first = await search(owner, `${q("pear")}&channel_id=${channel}&author_id=${member.user.id}`);
      expect(first.total_results).toBe(30);
      expect(first.messages.map((message) => message.id)).toEqual(pears.slice(5).reverse().map((message) => message.id));
      const second = await search(owner, `${q("pear")}&channel_id=${channel}&author_id=${member.user.id}&offset=25`);
      expect(second.messages.map((message) => message.id)).toEqual(pears.slice(0, 5).reverse().map((message) => message.id));
      expect((await search(owner, `${q("pear")}&limit=2`)).messages.map((message) => message.id)).toEqual([ownerPear.id, pears[29]!.id]);
      expect((await search(owner, `author_id=${owner.user.id}&channel_id=${channel}`)).messages.map((message) => message.id)).toEqual([ownerPear.id]);
    });

    test("deleted and edited messages are found as they are now", async () => {
      const doomed = await send(api, member, general, "ephemeral kiwi");
      const edited = await send(api, member, general, "mango draft");
      expect((await search(member, q("kiwi"))).total_results).toBe(1);
      expectStatus(await api.delete(`/channels/${general}/messages/${doomed.id}`, member), 204);
      expectStatus(await api.patch(`/channels/${general}/messages/${edited.id}`, member, { content: "papaya final" }), 200);
      expect((await search(member, q("kiwi"))).total_results).toBe(0);
      expect((await search(member, q("mango"))).total_results).toBe(0);
      expect((await search(member, q("papaya"))).messages.map((message) => message.id)).toEqual([edited.id]);
    });

    test("members only (403 50001), unknown guilds 404 10004, and bounded queries", async () => {
      expectError(await api.get(`/guilds/${guild.id}/messages/search?${q("banana")}`, outsider), 403, 50001);
      expectError(await api.get(`/guilds/123/messages/search?${q("banana")}`, member), 404, 10004);
      expectError(await api.get(`/guilds/${guild.id}/messages/search?${q("x".repeat(201))}`, member), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/messages/search?limit=26`, member), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/messages/search?offset=5001`, member), 400, 50035);
      expectError(await api.get(`/guilds/${guild.id}/messages/search?author_id=abc`, member), 400, 50035);
      expect((await search(member, q("&|!():*"))).total_results).toBe(0);
    });
  });
}
