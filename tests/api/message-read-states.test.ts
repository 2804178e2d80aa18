import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { snowflakeFromTimestamp } from "../../src/shared/kernel/snowflake";
import { rowsOf } from "../../src/shared/infrastructure/postgres/drizzle-message-rows";
import { gatewaySessions } from "../support/gateway";
import type { TestUser } from "../support/identity";
import { type ApiClient, type GuildBody, expectError, expectStatus, generalOf, guildWith, joinAll, registerUsers, startGuildServer } from "../support/guild";
import { type ReadStateBody, createTextChannel, history, openDm, overwriteMember, send } from "../support/message";
import { MODES, type TestServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`read states, typing, events and ban cleanup (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let alice: TestUser;
    let bob: TestUser;
    let outsider: TestUser;
    let guild: GuildBody;
    let general: string;
    const sessions = gatewaySessions(() => server.url);

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob, outsider] } = await startGuildServer(mode, 4));
      ({ guild } = await guildWith(api, owner, { name: "Read states", members: [alice, bob] }));
      general = generalOf(guild).id;
    });
    afterAll(async () => {
      sessions.closeAll();
      await server.stop();
    });

    const connect = sessions.connect;
    const readStateOf = async (user: TestUser, channel: string): Promise<ReadStateBody | undefined> => {
      const { client, ready } = await connect(user);
      client.close();
      return (ready as unknown as { read_state: ReadStateBody[] }).read_state.find((state) => state.channel_id === channel);
    };

    test("mentions count until acknowledged; @everyone counts once, and not for its author; READY carries read_state", async () => {
      const channel = (await createTextChannel(api, owner, guild.id, "mentions")).id;
      await send(api, alice, channel, `hey <@${bob.user.id}>`);
      await send(api, alice, channel, `again <@!${bob.user.id}>`);
      await send(api, owner, channel, `@everyone and <@${bob.user.id}>`);
      const last = await send(api, owner, channel, "@everyone standup");
      await send(api, alice, channel, "no mention");
      expect(await readStateOf(bob, channel)).toEqual({ channel_id: channel, last_message_id: null, mention_count: 4 });
      expect(await readStateOf(owner, channel)).toBeUndefined();

      expectStatus(await api.post(`/channels/${channel}/messages/${last.id}/ack`, bob), 204);
      expect(await readStateOf(bob, channel)).toEqual({ channel_id: channel, last_message_id: last.id, mention_count: 0 });

      const later = await send(api, alice, channel, `one more <@${bob.user.id}>`);
      expect((await readStateOf(bob, channel))?.mention_count).toBe(1);
      expectStatus(await api.patch(`/channels/${channel}/messages/${later.id}`, alice, { content: "never mind" }), 200);
      expect((await readStateOf(bob, channel))?.mention_count).toBe(0);
      await send(api, alice, channel, `<@${bob.user.id}> <@${bob.user.id}>`);
      const gone = await send(api, alice, channel, `<@${bob.user.id}>`);
      expect((await readStateOf(bob, channel))?.mention_count).toBe(2);
      expectStatus(await api.delete(`/channels/${channel}/messages/${gone.id}`, alice), 204);
      expect((await readStateOf(bob, channel))?.mention_count).toBe(1);
    });

    test("an ack reaches the reader's own sessions as MESSAGE_ACK; bad acks are refused", async () => {
      const message = await send(api, alice, general, `ping <@${bob.user.id}>`);
      const { client } = await connect(bob);
      expectStatus(await api.post(`/channels/${general}/messages/${message.id}/ack`, bob), 204);
      const ack = await client.dispatch("MESSAGE_ACK", (d) => d.message_id === message.id);
      expect(ack.d).toEqual({ channel_id: general, message_id: message.id, mention_count: 0 });
      expectError(await api.post(`/channels/${general}/messages/123/ack`, bob), 404, 10008);
      expectError(await api.post(`/channels/${general}/messages/${message.id}/ack`, outsider), 403, 50001);
    });

    test("DM events reach both participants: MESSAGE_CREATE/UPDATE/DELETE, reactions, pins, TYPING_START (not to the typist)", async () => {
      const dm = await openDm(api, alice, bob);
      const { client: bobs } = await connect(bob);
      const { client: alices } = await connect(alice);
      const message = await send(api, alice, dm.id, "over the gateway");
      expect((await bobs.dispatch("MESSAGE_CREATE", (d) => d.id === message.id)).d).toEqual(message);
      expect((await alices.dispatch("MESSAGE_CREATE", (d) => d.id === message.id)).d).toEqual(message);
      expectStatus(await api.patch(`/channels/${dm.id}/messages/${message.id}`, alice, { content: "edited" }), 200);
      expect((await bobs.dispatch("MESSAGE_UPDATE", (d) => d.id === message.id)).d).toMatchObject({ content: "edited" });
      expectStatus(await api.put(`/channels/${dm.id}/messages/${message.id}/reactions/${encodeURIComponent("👍")}/@me`, bob), 204);
      expect((await alices.dispatch("MESSAGE_REACTION_ADD")).d).toEqual({
        user_id: bob.user.id,
        channel_id: dm.id,
        message_id: message.id,
        emoji: { id: null, name: "👍" },
      });
      expectStatus(await api.put(`/channels/${dm.id}/pins/${message.id}`, bob), 204);
      expect((await alices.dispatch("CHANNEL_PINS_UPDATE")).d).toMatchObject({ channel_id: dm.id, last_pin_timestamp: expect.any(String) });
      expectStatus(await api.post(`/channels/${dm.id}/typing`, alice), 204);
      const typing = await bobs.dispatch("TYPING_START", (d) => d.channel_id === dm.id);
      expect(typing.d).toEqual({ channel_id: dm.id, user_id: alice.user.id, timestamp: expect.any(Number) });
      expectStatus(await api.delete(`/channels/${dm.id}/messages/${message.id}`, alice), 204);
      expect((await bobs.dispatch("MESSAGE_DELETE")).d).toEqual({ id: message.id, channel_id: dm.id });
      // Alice's own typing was not echoed back to her, though it went out before the delete she did see.
      await alices.dispatch("MESSAGE_DELETE");
      expect(alices.dispatches("TYPING_START")).toEqual([]);
    });

    test("guild MESSAGE_CREATE and TYPING_START reach only sessions that can see the channel", async () => {
      const secret = (await createTextChannel(api, owner, guild.id, "secret-plans")).id;
      await overwriteMember(api, owner, secret, bob.user.id, { deny: ["VIEW_CHANNEL"] });
      const { client: bobs } = await connect(bob);
      const { client: alices } = await connect(alice);
      const hidden = await send(api, owner, secret, "bob must not see this");
      expectStatus(await api.post(`/channels/${secret}/typing`, owner), 204);
      const open = await send(api, owner, general, "everyone sees this");
      expect((await alices.dispatch("MESSAGE_CREATE", (d) => d.id === hidden.id)).d).toMatchObject({ id: hidden.id, guild_id: guild.id });
      await alices.dispatch("TYPING_START", (d) => d.channel_id === secret);
      // The event is the send's answer plus the author's member (guild dispatches only, as Discord).
      const { member, ...rest } = (await bobs.dispatch("MESSAGE_CREATE", (d) => d.id === open.id)).d;
      expect(rest).toEqual(open);
      expect(member).toMatchObject({ roles: [], nick: null });
      // Dispatches keep event order per session, so once the later message arrived the earlier ones were decided.
      expect(bobs.dispatches("MESSAGE_CREATE").map((frame) => frame.d.id)).not.toContain(hidden.id);
      expect(bobs.dispatches("TYPING_START").filter((frame) => frame.d.channel_id === secret)).toEqual([]);
    });

    test("guild events go to the guild's topic through the outbox; typing straight to the guild topic", async () => {
      const heard: Array<{ type: string; topics: string[]; data: { channel_id: string; user_id: string; guild_id: string } }> = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void heard.push(JSON.parse(message)));
      try {
        const message = await send(api, alice, general, "topics");
        const [row] = rowsOf<{ topics: string[]; data: { id: string; guild_id: string } }>(
          await server.app.database.db.execute(sql`SELECT topics, data FROM outbox WHERE type = 'MESSAGE_SENT' AND data->>'id' = ${message.id}`),
        );
        expect(row?.topics).toEqual([`guild:${guild.id}`]);
        expect(row?.data).toMatchObject({ id: message.id, guild_id: guild.id });
        expectStatus(await api.post(`/channels/${general}/typing`, bob), 204);
        const typing = await waitFor(() => heard.find((event) => event.type === "TYPING_STARTED"), { what: "TYPING_STARTED on the guild topic" });
        expect(typing).toMatchObject({ topics: [`guild:${guild.id}`], data: { channel_id: general, guild_id: guild.id, user_id: bob.user.id } });
        await waitFor(() => heard.some((event) => event.type === "MESSAGE_SENT"), { what: "MESSAGE_SENT relayed to the guild topic" });
      } finally {
        await stop();
      }
    });

    test("typing needs VIEW_CHANNEL and SEND_MESSAGES", async () => {
      expectStatus(await api.post(`/channels/${general}/typing`, alice), 204);
      expectError(await api.post(`/channels/${general}/typing`, outsider), 403, 50001);
      const muted = (await createTextChannel(api, owner, guild.id, "muted")).id;
      await overwriteMember(api, owner, muted, alice.user.id, { deny: ["SEND_MESSAGES"] });
      expectError(await api.post(`/channels/${muted}/typing`, alice), 403, 50013);
    });

    test("a ban with delete_message_seconds deletes the banned user's recent messages in that guild only", async () => {
      const [banned] = (await registerUsers(server, 1)) as [TestUser];
      await joinAll(api, owner, guild, [banned]);
      const other = (await createTextChannel(api, owner, guild.id, "other")).id;
      const recent = [await send(api, banned, general, "spam 1"), await send(api, banned, other, "spam 2")];
      const oldId = snowflakeFromTimestamp(Date.now() - 2 * 3600_000);
      await server.app.database.db.execute(
        sql`INSERT INTO messages (id, channel_id, guild_id, author_id, content) VALUES (${oldId}::bigint, ${general}::bigint, ${guild.id}::bigint, ${banned.user.id}::bigint, 'old news')`,
      );
      const dm = await openDm(api, banned, alice);
      const private_ = await send(api, banned, dm.id, "in a DM");
      const bystander = await send(api, alice, general, "still here");
      expectStatus(await api.put(`/guilds/${guild.id}/bans/${banned.user.id}`, owner, { delete_message_seconds: 3600 }), 204);
      await waitFor(async () => (await history(api, owner, other)).length === 0, { what: "the banned user's messages to go" });
      const left = (await history(api, owner, general, "limit=100")).map((message) => message.id);
      expect(left).not.toContain(recent[0]!.id);
      expect(left).toContain(oldId);
      expect(left).toContain(bystander.id);
      expect((await history(api, alice, dm.id)).map((message) => message.id)).toEqual([private_.id]);
      const events = rowsOf<{ data: { channel_id: string; ids: string[] } }>(
        await server.app.database.db.execute(sql`SELECT data FROM outbox WHERE type = 'MESSAGE_DELETED_BULK' AND data->>'guild_id' = ${guild.id}`),
      );
      expect(events.map((event) => event.data.ids).flat().sort()).toEqual(recent.map((message) => message.id).sort());
    });
  });
}
