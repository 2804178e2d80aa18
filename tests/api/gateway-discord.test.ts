import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import zlib from "node:zlib";
import { type ApiClient, type GuildBody, createGuild, createRole, expectStatus, generalOf, guildWith, joinAll, startGuildServer } from "../support/guild";
import type { GatewayFrame } from "../support/gateway";
import { openRecordingSocket } from "../support/recording-socket";
import { type TestBot, type TestUser, asBot, createBot } from "../support/identity";
import { openDm, send } from "../support/message";
import { MODES, type TestServer } from "../support/server";

/** Discord's intent bits the tests use. */
const GUILDS = 1 << 0;
const GUILD_MEMBERS = 1 << 1;
const GUILD_PRESENCES = 1 << 8;
const GUILD_MESSAGES = 1 << 9;
const DIRECT_MESSAGES = 1 << 12;
const MESSAGE_CONTENT = 1 << 15;
/** Application flags enabling GUILD_MEMBERS and GUILD_PRESENCES (not MESSAGE_CONTENT). */
const MEMBERS_AND_PRESENCE_FLAGS = (1 << 14) | (1 << 12);

/**
 * A gateway client that connects with a query string, as Discord's libraries do, and reads every kind of frame:
 * text, a zlib-stream's binary frames (inflated as one stream) and per-payload zlib frames.
 */
const connect = async (httpUrl: string, query = "?v=10&encoding=json") => {
  const binaries: Buffer[] = [];
  let inflatedLength = 0;
  const zlibStream = query.includes("compress=zlib-stream");
  const decode = (data: string | ArrayBuffer): GatewayFrame & { compressed?: true } => {
    if (typeof data === "string") return JSON.parse(data);
    if (!zlibStream) return { ...JSON.parse(zlib.inflateSync(Buffer.from(data)).toString()), compressed: true };
    binaries.push(Buffer.from(data));
    // The whole stream so far, inflated; this frame's text is what it adds.
    const text = zlib.inflateSync(Buffer.concat(binaries), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    const frame = JSON.parse(text.slice(inflatedLength));
    inflatedLength = text.length;
    return frame;
  };
  const { socket, messages: frames, closeInfo, waitUntil } = await openRecordingSocket<GatewayFrame & { compressed?: true }>(
    `${httpUrl.replace(/^http/, "ws")}/gateway${query}`,
    (all) => JSON.stringify(all.map((f) => f.t ?? f.op)),
    decode,
  );
  const taken = new Set<GatewayFrame>();
  const client = {
    socket,
    frames,
    binaries,
    send: (frame: { op: number; d?: unknown }) => socket.send(JSON.stringify(frame)),
    next: (match: (frame: GatewayFrame) => boolean, what = "a frame") =>
      waitUntil(() => {
        const frame = frames.find((candidate) => !taken.has(candidate) && match(candidate));
        if (frame) taken.add(frame);
        return frame;
      }, what),
    dispatch: (t: string, filter: (d: any) => boolean = () => true) => client.next((frame) => frame.op === 0 && frame.t === t && filter(frame.d), `dispatch ${t}`),
    dispatches: (t: string) => frames.filter((frame) => frame.op === 0 && frame.t === t),
    closed: () => waitUntil(closeInfo, "the socket to close"),
    close: () => socket.close(),
  };
  await client.next((frame) => frame.op === 10, "HELLO");
  return client;
};
type Client = Awaited<ReturnType<typeof connect>>;

for (const mode of MODES) {
  describe(`the gateway as Discord's (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, alice: TestUser, bob: TestUser, carol: TestUser, outsider: TestUser;
    let guild: GuildBody;
    let bot: TestBot;
    const clients: Client[] = [];
    const open = async (query?: string) => {
      const client = await connect(server.url, query);
      clients.push(client);
      return client;
    };
    /** Connects, IDENTIFYs with `extra` fields and waits for READY. */
    const identified = async (token: string, extra: Record<string, unknown> = {}, query?: string) => {
      const client = await open(query);
      client.send({ op: 2, d: { token, properties: { os: "linux", browser: "xcord-tests", device: "xcord-tests" }, ...extra } });
      return { client, ready: (await client.dispatch("READY")).d };
    };
    /** Connects and IDENTIFYs with `extra`, expecting the socket to close: its code and reason. */
    const refused = async (token: string, extra: Record<string, unknown>) => {
      const client = await open();
      client.send({ op: 2, d: { token, properties: { $os: "linux", $browser: "legacy", $device: "legacy" }, ...extra } });
      return client.closed();
    };
    /** A marker committed after what a test waits on: a role created in the guild (GUILD_ROLE_CREATE, GUILDS). */
    const marker = (name: string) => createRole(api, owner, guild.id, { name });

    beforeAll(async () => {
      ({ server, api, users: [owner, alice, bob, carol, outsider] } = await startGuildServer(mode, 5));
      ({ guild } = await guildWith(api, owner, { name: "Discord Guild", members: [alice, bob, carol] }));
      bot = await createBot(server, owner);
      expectStatus(await api.patch(`/applications/${bot.application.id}`, owner, { flags: MEMBERS_AND_PRESENCE_FLAGS }), 200);
      expectStatus(await api.post(`/oauth2/authorize?client_id=${bot.application.id}&scope=bot&permissions=0`, owner, { guild_id: guild.id, permissions: "0", authorize: true }), 200);
    });
    afterAll(async () => {
      for (const client of clients) client.close();
      await server.stop();
    });

    test("GET /gateway/bot answers XCord's own URL, a shard count and the caller's session start limit, which IDENTIFY spends", async () => {
      const wsUrl = `${server.url.replace(/^http/, "ws")}/gateway`;
      const before = expectStatus(await api.get<any>("/gateway/bot", carol), 200);
      expect(before).toEqual({ url: wsUrl, shards: 1, session_start_limit: { total: expect.any(Number), remaining: expect.any(Number), reset_after: expect.any(Number), max_concurrency: 1 } });
      await identified(carol.access_token);
      const after = expectStatus(await api.get<any>("/gateway/bot", carol), 200);
      expect(after.session_start_limit.remaining).toBe(before.session_start_limit.remaining - 1);
      expect(after.session_start_limit.reset_after).toBeGreaterThan(0);
      const asTheBot = await asBot(server, bot.token, "GET", "/gateway/bot");
      expect(asTheBot.status).toBe(200);
      expect(asTheBot.body.url).toBe(wsUrl);
      expect((await server.request("/api/v1/gateway/bot")).status).toBe(401);
      expect(expectStatus(await api.get<any>("/gateway", carol), 200)).toEqual({ url: wsUrl });
    });

    test("an IDENTIFY past the day's session start limit closes with 4008, and GET /gateway/bot shows none left", async () => {
      const [spender] = [outsider];
      const { session_start_limit: limit } = expectStatus(await api.get<any>("/gateway/bot", spender), 200);
      // The budget spent down to nothing, as `remaining` IDENTIFYs would (counted in the shared store).
      await server.app.adapters.kv.increment(`gw:identify:${spender.user.id}`, limit.remaining, 24 * 60 * 60_000);
      expect(await refused(spender.access_token, {})).toEqual({ code: 4008, reason: "Session start limit reached: see GET /gateway/bot" });
      expect(expectStatus(await api.get<any>("/gateway/bot", spender), 200).session_start_limit.remaining).toBe(0);
    });

    test("the query string: v 6 to 10 and encoding=json are accepted; etf, other versions and unknown compression are refused before the upgrade", async () => {
      for (const version of ["6", "9", "10", "1"]) await (await open(`?v=${version}&encoding=json`)).close();
      for (const [query, words] of [
        ["?v=10&encoding=etf", "encoding=etf is not supported"],
        ["?v=5&encoding=json", "Unsupported gateway version"],
        ["?v=10&compress=zstd-stream", "Unknown compress"],
      ] as const) {
        const response = await fetch(`${server.url}/gateway${query}`, { headers: { upgrade: "websocket", connection: "upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { message: string }).message).toContain(words);
      }
    });

    test("compress=zlib-stream: every frame is binary, ends with 00 00 ff ff, and the concatenated stream inflates to the session's frames", async () => {
      const { client, ready } = await identified(alice.access_token, {}, "?v=10&encoding=json&compress=zlib-stream");
      expect(ready.user.id).toBe(alice.user.id);
      client.send({ op: 1, d: 1 });
      await client.next((frame) => frame.op === 11, "HEARTBEAT_ACK");
      expect(client.binaries.length).toBe(client.frames.length);
      for (const binary of client.binaries) expect([...binary.subarray(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
      // discord.py asks for both: payload compression is not applied on top of the stream.
      const both = await identified(alice.access_token, { compress: true }, "?v=10&encoding=json&compress=zlib-stream");
      expect(both.ready.session_id).toBeString();
    });

    test("IDENTIFY compress: true sends large payloads as zlib-compressed binary frames", async () => {
      const { client } = await identified(alice.access_token, { compress: true });
      const ready = client.frames.find((frame) => frame.t === "READY") as GatewayFrame & { compressed?: boolean };
      expect(ready.compressed).toBe(true);
      expect(ready.d.guilds.map((entry: { id: string }) => entry.id)).toContain(guild.id);
    });

    test("intents: a session without GUILD_MESSAGES gets no MESSAGE_CREATE for a guild message, one with it does", async () => {
      const { client: without } = await identified(bob.access_token, { intents: GUILDS });
      const { client: withIt } = await identified(bob.access_token, { intents: GUILDS | GUILD_MESSAGES });
      const { client: everything } = await identified(bob.access_token);
      const message = await send(api, owner, generalOf(guild).id, "intents matter");
      await withIt.dispatch("MESSAGE_CREATE", (d) => d.id === message.id);
      await everything.dispatch("MESSAGE_CREATE", (d) => d.id === message.id);
      const role = await marker("after the message");
      await without.dispatch("GUILD_ROLE_CREATE", (d) => d.role.id === role.id);
      expect(without.dispatches("MESSAGE_CREATE")).toEqual([]);
    });

    test("IDENTIFY refusals: bad intent bits 4013, a bot without intents 4013, a privileged intent the application lacks 4014, a bad shard 4010", async () => {
      expect((await refused(carol.access_token, { intents: 1 << 17 })).code).toBe(4013);
      expect((await refused(carol.access_token, { intents: -1 })).code).toBe(4013);
      expect((await refused(bot.token, {})).code).toBe(4013);
      expect(await refused(bot.token, { intents: GUILDS | MESSAGE_CONTENT })).toEqual({ code: 4014, reason: "Disallowed intent(s)" });
      expect((await refused(carol.access_token, { shard: [2, 2] })).code).toBe(4010);
      expect((await refused(carol.access_token, { shard: [0, 0] })).code).toBe(4010);
      expect((await refused(carol.access_token, { large_threshold: 20 })).code).toBe(4002);
      // The bot's enabled privileged intents are accepted.
      const { ready } = await identified(bot.token, { intents: GUILDS | GUILD_MEMBERS | GUILD_PRESENCES });
      expect(ready.application.id).toBe(bot.application.id);
    });

    test("shards: a session hears only the guilds with (guild_id >> 22) % num_shards == shard_id, and DMs only on shard 0", async () => {
      const [sharded] = [carol];
      const guilds: GuildBody[] = [guild];
      const shardOf = (id: string) => Number((BigInt(id) >> 22n) % 2n);
      while (new Set(guilds.map((entry) => shardOf(entry.id))).size < 2) {
        const created = await createGuild(api, owner, "Shard Guild");
        await joinAll(api, owner, created, [sharded]);
        guilds.push(created);
      }
      const byShard = [0, 1].map((shard) => guilds.find((entry) => shardOf(entry.id) === shard)!);
      const sessions = await Promise.all([0, 1].map((shard) => identified(sharded.access_token, { shard: [shard, 2] })));
      for (const shard of [0, 1]) {
        const ids = sessions[shard]!.ready.guilds.map((entry: { id: string }) => entry.id);
        expect(ids).toContain(byShard[shard]!.id);
        expect(ids.every((id: string) => shardOf(id) === shard)).toBe(true);
      }
      const dm = await openDm(api, owner, sharded);
      const sent = await Promise.all(byShard.map((entry) => send(api, owner, generalOf(entry).id, `for shard ${shardOf(entry.id)}`)));
      const direct = await send(api, owner, dm.id, "direct");
      for (const shard of [0, 1]) await sessions[shard]!.client.dispatch("MESSAGE_CREATE", (d) => d.id === sent[shard]!.id);
      await sessions[0]!.client.dispatch("MESSAGE_CREATE", (d) => d.id === direct.id);
      // A later event on shard 1's guild proves the others were not coming.
      const role = await createRole(api, owner, byShard[1]!.id, { name: "shard marker" });
      await sessions[1]!.client.dispatch("GUILD_ROLE_CREATE", (d) => d.role.id === role.id);
      expect(sessions[1]!.client.dispatches("MESSAGE_CREATE").map((frame) => frame.d.id)).toEqual([sent[1]!.id]);
    });

    test("op 3 with activities: the other members see them in PRESENCE_UPDATE and in READY; a status-only update keeps them", async () => {
      const { client: watcher } = await identified(bob.access_token);
      const { client: setter } = await identified(alice.access_token);
      // dnd wins over the user's other sessions' status, so the aggregate is this session's.
      setter.send({ op: 3, d: { since: null, activities: [{ name: "Chess", type: 0, state: "winning" }], status: "dnd", afk: false } });
      const update = await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.activities.length === 1);
      expect(update.d).toMatchObject({ guild_id: guild.id, status: "dnd", activities: [{ name: "Chess", type: 0, state: "winning", created_at: expect.any(Number) }], client_status: { desktop: "dnd" } });
      setter.send({ op: 3, d: { status: "online" } });
      const statusOnly = await watcher.dispatch("PRESENCE_UPDATE", (d) => d.user.id === alice.user.id && d.status === "online");
      expect(statusOnly.d.activities.map((activity: { name: string }) => activity.name)).toEqual(["Chess"]);
      const { ready } = await identified(carol.access_token);
      expect(ready.presences.find((presence: { user: { id: string } }) => presence.user.id === alice.user.id)?.activities[0]?.name).toBe("Chess");
      setter.send({ op: 3, d: { status: "online", activities: Array.from({ length: 6 }, (_, i) => ({ name: `a${i}`, type: 0 })) } });
      expect((await setter.closed()).code).toBe(4002);
    });

    test("op 8: members by username prefix, by user_ids (with not_found), all of them, with presences and the nonce; other guilds get nothing", async () => {
      const { client } = await identified(owner.access_token);
      const { client: aliceOnline } = await identified(alice.access_token);
      expect(aliceOnline).toBeDefined();
      client.send({ op: 8, d: { guild_id: guild.id, query: alice.username.slice(0, 12), limit: 10, nonce: "by-query" } });
      const byQuery = await client.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.nonce === "by-query");
      expect(byQuery.d).toMatchObject({ guild_id: guild.id, chunk_index: 0, chunk_count: 1 });
      expect(byQuery.d.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([alice.user.id]);
      expect(byQuery.d.members[0]).toMatchObject({ nick: null, roles: [], joined_at: expect.any(String), deaf: false, mute: false });

      client.send({ op: 8, d: { guild_id: guild.id, user_ids: [bob.user.id, outsider.user.id], nonce: "by-ids" } });
      const byIds = await client.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.nonce === "by-ids");
      expect(byIds.d.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([bob.user.id]);
      expect(byIds.d.not_found).toEqual([outsider.user.id]);

      client.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0, presences: true, nonce: "everyone" } });
      const all = await client.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.nonce === "everyone");
      const everyone = [owner, alice, bob, carol].map((user) => user.user.id).concat(bot.user.id);
      expect(all.d.members.map((member: { user: { id: string } }) => member.user.id).sort()).toEqual(everyone.sort());
      expect(all.d.presences.map((presence: { user: { id: string } }) => presence.user.id)).toContain(alice.user.id);

      // discord.py sends ids as numbers: they are read exactly.
      client.socket.send(`{"op":8,"d":{"guild_id":${guild.id},"user_ids":[${alice.user.id}],"limit":0,"nonce":"raw-numbers"}}`);
      const numbers = await client.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.nonce === "raw-numbers");
      expect(numbers.d.members.map((member: { user: { id: string } }) => member.user.id)).toEqual([alice.user.id]);

      const elsewhere = await createGuild(api, outsider, "Not Yours");
      client.send({ op: 8, d: { guild_id: elsewhere.id, query: "", limit: 0, nonce: "not-member" } });
      client.send({ op: 8, d: { guild_id: guild.id, user_ids: [owner.user.id], nonce: "after" } });
      await client.dispatch("GUILD_MEMBERS_CHUNK", (d) => d.nonce === "after");
      expect(client.dispatches("GUILD_MEMBERS_CHUNK").filter((frame) => frame.d.nonce === "not-member")).toEqual([]);
    });

    test("op 8 limits: a nonce over 32 bytes is dropped, every member needs GUILD_MEMBERS, presences need GUILD_PRESENCES, and a flood gets RATE_LIMITED", async () => {
      const { client } = await identified(owner.access_token);
      client.send({ op: 8, d: { guild_id: guild.id, user_ids: [owner.user.id], nonce: "x".repeat(33) } });
      expect((await client.dispatch("GUILD_MEMBERS_CHUNK")).d.nonce).toBeUndefined();
      for (let i = 0; i < 12; i++) client.send({ op: 8, d: { guild_id: guild.id, user_ids: [owner.user.id], nonce: `n${i}` } });
      const limited = await client.dispatch("RATE_LIMITED");
      expect(limited.d).toMatchObject({ opcode: 8, retry_after: expect.any(Number), meta: { guild_id: guild.id } });

      const { client: noMembers } = await identified(bot.token, { intents: GUILDS });
      noMembers.send({ op: 8, d: { guild_id: guild.id, query: "", limit: 0 } });
      expect((await noMembers.closed()).code).toBe(4013);
      const { client: noPresences } = await identified(bot.token, { intents: GUILDS | GUILD_MEMBERS });
      noPresences.send({ op: 8, d: { guild_id: guild.id, user_ids: [owner.user.id], presences: true } });
      expect((await noPresences.closed()).code).toBe(4013);
    });

    test("a bot's READY is Discord's, one complete GUILD_CREATE per guild follows, and one for a guild it joins", async () => {
      const { client, ready } = await identified(bot.token, { intents: GUILDS | GUILD_MEMBERS | GUILD_PRESENCES, large_threshold: 50 });
      expect(ready).toMatchObject({
        v: 10,
        user: { id: bot.user.id, bot: true },
        guilds: [{ id: guild.id, unavailable: true }],
        session_id: expect.any(String),
        resume_gateway_url: `${server.url.replace(/^http/, "ws")}/gateway`,
        application: { id: bot.application.id, flags: MEMBERS_AND_PRESENCE_FLAGS },
        private_channels: [],
        relationships: [],
      });
      const created = (await client.dispatch("GUILD_CREATE", (d) => d.id === guild.id)).d;
      expect(created).toMatchObject({ id: guild.id, unavailable: false, large: false, member_count: 5, threads: [], emojis: [], stickers: [], voice_states: [] });
      expect(created.joined_at).toBeString();
      expect(created.members.map((member: { user: { id: string } }) => member.user.id)).toContain(owner.user.id);
      expect(created.members).toHaveLength(5);
      expect(created.channels.map((channel: { name: string }) => channel.name)).toContain("general");
      expect(created.roles.length).toBeGreaterThanOrEqual(1);
      expect(created.presences).toBeArray();

      // A guild it joins later comes complete too.
      const later = await createGuild(api, owner, "Joined Later");
      expectStatus(await api.post(`/oauth2/authorize?client_id=${bot.application.id}&scope=bot&permissions=0`, owner, { guild_id: later.id, permissions: "0", authorize: true }), 200);
      const joined = (await client.dispatch("GUILD_CREATE", (d) => d.id === later.id)).d;
      expect(joined).toMatchObject({ id: later.id, unavailable: false, large: false, member_count: 2, threads: [], joined_at: expect.any(String) });
      expect(joined.members.map((member: { user: { id: string } }) => member.user.id).sort()).toEqual([owner.user.id, bot.user.id].sort());
    });

    test("a bot without MESSAGE_CONTENT gets guild messages without content, except its own and those that mention it", async () => {
      const { client } = await identified(bot.token, { intents: GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES });
      const plain = await send(api, owner, generalOf(guild).id, { content: "secret words", embeds: [{ title: "hidden" }] });
      const mention = await send(api, owner, generalOf(guild).id, `hello <@${bot.user.id}>`);
      const stripped = await client.dispatch("MESSAGE_CREATE", (d) => d.id === plain.id);
      expect(stripped.d).toMatchObject({ content: "", embeds: [], attachments: [], components: [], author: { id: owner.user.id } });
      expect((await client.dispatch("MESSAGE_CREATE", (d) => d.id === mention.id)).d.content).toBe(`hello <@${bot.user.id}>`);
      const own = await asBot(server, bot.token, "POST", `/channels/${generalOf(guild).id}/messages`, { content: "my own words" });
      expect([200, 201]).toContain(own.status);
      expect((await client.dispatch("MESSAGE_CREATE", (d) => d.id === own.body.id)).d.content).toBe("my own words");
      // A member's session is not a bot's: it sees every message whole.
      const { client: member } = await identified(bob.access_token, { intents: GUILDS | GUILD_MESSAGES });
      const later = await send(api, owner, generalOf(guild).id, "visible to members");
      expect((await member.dispatch("MESSAGE_CREATE", (d) => d.id === later.id)).d.content).toBe("visible to members");
    });

    test("RESUME keeps the session's intents; RESUMED carries an empty object", async () => {
      const { client, ready } = await identified(carol.access_token, { intents: GUILDS });
      client.send({ op: 1, d: null });
      await client.next((frame) => frame.op === 11, "HEARTBEAT_ACK");
      const seq = Math.max(...client.frames.map((frame) => frame.s ?? 0));
      client.close();
      await client.closed();
      const resumed = await open();
      resumed.send({ op: 6, d: { token: carol.access_token, session_id: ready.session_id, seq } });
      // An empty object, as Discord's: discord.py writes into it.
      expect((await resumed.dispatch("RESUMED")).d).toEqual({});
      const message = await send(api, owner, generalOf(guild).id, "not for carol's resumed session");
      const role = await marker("after resume");
      await resumed.dispatch("GUILD_ROLE_CREATE", (d) => d.role.id === role.id);
      expect(resumed.dispatches("MESSAGE_CREATE").filter((frame) => frame.d.id === message.id)).toEqual([]);
    });
  });
}
