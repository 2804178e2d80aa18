import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type RoleBody, bits, expectError, expectStatus, guildWith, setEveryone, startGuildServer } from "../support/guild";
import { connectGateway, identify } from "../support/gateway";
import { type TestBot, type TestUser, asBot, createBot } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

/** The authorization call Discord's bot-invite page makes. */
const authorize = (api: ApiClient, as: TestUser, bot: TestBot, body: Record<string, unknown>, permissions?: string) =>
  api.post<{ location: string }>(`/oauth2/authorize?client_id=${bot.application.id}&scope=bot${permissions === undefined ? "" : `&permissions=${permissions}`}`, as, { authorize: true, ...body });

/** Connects as a bot, identifies with GUILDS | GUILD_MESSAGES, waits for READY. */
const identifyBot = async (url: string, token: string) => {
  const client = await connectGateway(url);
  await client.next((frame) => frame.op === 10, "HELLO");
  client.send({ op: 2, d: { token, intents: 513, properties: { os: "linux", browser: "xcord-tests", device: "xcord-tests" } } });
  await client.dispatch("READY");
  return client;
};

for (const mode of MODES) {
  describe(`adding a bot to a guild (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let manager: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, manager, member, outsider] } = await startGuildServer(mode, 4));
    });
    afterAll(() => server.stop());

    const setup = () =>
      guildWith(api, owner, { members: [manager, member], roles: { managers: { permissions: ["MANAGE_GUILD"], holders: [manager] } } });

    test("MANAGE_GUILD adds the bot with a managed role holding the permissions; members and the bot hear of it", async () => {
      const { guild, general } = await setup();
      const bot = await createBot(server, owner);
      const botSocket = await identifyBot(server.url, bot.token);
      const { client: watcher } = await identify(server.url, member.access_token);
      await setEveryone(api, owner, guild.id, 0n);
      const sendable = bits("VIEW_CHANNEL", "SEND_MESSAGES", "READ_MESSAGE_HISTORY");

      expectError(await authorize(api, member, bot, { guild_id: guild.id, permissions: "0" }), 403, 50013);
      expectError(await authorize(api, outsider, bot, { guild_id: guild.id, permissions: "0" }), 403, 50001);
      expectError(await authorize(api, manager, bot, { guild_id: guild.id, permissions: bits("ADMINISTRATOR") }), 403, 50013);
      expectError(await api.post(`/oauth2/authorize?client_id=${bot.application.id}&scope=identify`, owner, { guild_id: guild.id, authorize: true }), 400, 50035);
      expectError(await api.post(`/oauth2/authorize?client_id=1&scope=bot`, owner, { guild_id: guild.id, authorize: true }), 404, 10002);
      // The body's permissions win over the query's.
      const done = expectStatus(await authorize(api, owner, bot, { guild_id: guild.id, permissions: sendable }, bits("ADMINISTRATOR")), 200);
      expect(done.location).toBe("/oauth2/authorized");

      const added = await watcher.dispatch("GUILD_MEMBER_ADD", (d) => d.user.id === bot.user.id);
      const roles = expectStatus(await api.get<Array<RoleBody & { managed: boolean; tags?: { bot_id: string } }>>(`/guilds/${guild.id}/roles`, owner), 200);
      const managed = roles.find((role) => role.managed)!;
      expect(managed).toMatchObject({ name: bot.user.username, permissions: sendable, tags: { bot_id: bot.user.id } });
      expect(roles.filter((role) => role.id !== managed.id).every((role) => role.managed === false && role.tags === undefined)).toBe(true);
      expect(added.d.roles).toEqual([managed.id]);
      expect(added.d.user).toMatchObject({ id: bot.user.id, bot: true });
      await botSocket.dispatch("GUILD_CREATE", (d) => d.id === guild.id);

      // Its permissions are effective: @everyone holds nothing, yet the bot sees and writes in the channel.
      const sent = await asBot(server, bot.token, "POST", `/channels/${general.id}/messages`, { content: "hello from a bot" });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ content: "hello from a bot", author: { id: bot.user.id, bot: true } });
      botSocket.close();
      watcher.close();
    });

    test("the managed role cannot be deleted, given or taken by people; re-authorizing changes its permissions", async () => {
      const { guild } = await setup();
      const bot = await createBot(server, owner);
      expectStatus(await authorize(api, owner, bot, { guild_id: guild.id, permissions: bits("SEND_MESSAGES") }), 200);
      const managed = expectStatus(await api.get<Array<RoleBody & { managed: boolean }>>(`/guilds/${guild.id}/roles`, owner), 200).find((role) => role.managed)!;

      expectError(await api.delete(`/guilds/${guild.id}/roles/${managed.id}`, owner), 400, 50028);
      expectError(await api.put(`/guilds/${guild.id}/members/${member.user.id}/roles/${managed.id}`, owner), 400, 50028);
      expectError(await api.delete(`/guilds/${guild.id}/members/${bot.user.id}/roles/${managed.id}`, owner), 400, 50028);
      expectError(await api.patch(`/guilds/${guild.id}/members/${bot.user.id}`, owner, { roles: [] }), 400, 50028);
      expectError(await api.patch(`/guilds/${guild.id}/members/${member.user.id}`, owner, { roles: [managed.id] }), 400, 50028);

      expectStatus(await authorize(api, manager, bot, { guild_id: guild.id, permissions: "0" }), 200);
      const after = expectStatus(await api.get<Array<RoleBody & { managed: boolean }>>(`/guilds/${guild.id}/roles`, owner), 200);
      expect(after.filter((role) => role.managed).map((role) => [role.id, role.permissions])).toEqual([[managed.id, "0"]]);
      const botMember = expectStatus(await api.get<{ roles: string[] }>(`/guilds/${guild.id}/members/${bot.user.id}`, owner), 200);
      expect(botMember.roles).toEqual([managed.id]);
    });

    test("the managed role goes when the bot is kicked; a banned bot cannot be added; bots take no invites", async () => {
      const { guild, general } = await setup();
      const bot = await createBot(server, owner);
      expectStatus(await authorize(api, owner, bot, { guild_id: guild.id, permissions: bits("SEND_MESSAGES") }), 200);
      expectStatus(await api.delete(`/guilds/${guild.id}/members/${bot.user.id}`, owner), 204);
      const roles = expectStatus(await api.get<Array<{ managed: boolean }>>(`/guilds/${guild.id}/roles`, owner), 200);
      expect(roles.some((role) => role.managed)).toBe(false);

      expectStatus(await api.put(`/guilds/${guild.id}/bans/${bot.user.id}`, owner, {}), 204);
      expectError(await authorize(api, owner, bot, { guild_id: guild.id, permissions: "0" }), 403, 50013);

      const invite = expectStatus(await api.post<{ code: string }>(`/channels/${general.id}/invites`, owner, {}), 201);
      const joined = await asBot(server, bot.token, "POST", `/invites/${invite.code}`);
      expect({ status: joined.status, code: joined.body?.code }).toEqual({ status: 403, code: 20001 });
      const byBot = await asBot(server, bot.token, "POST", `/oauth2/authorize?client_id=${bot.application.id}&scope=bot`, { guild_id: guild.id, authorize: true });
      expect({ status: byBot.status, code: byBot.body?.code }).toEqual({ status: 403, code: 20001 });
    });

    test("a bot that leaves takes its managed role with it; declining adds nothing", async () => {
      const { guild } = await setup();
      const bot = await createBot(server, owner);
      expect(expectStatus(await authorize(api, owner, bot, { guild_id: guild.id, permissions: bits("SEND_MESSAGES"), authorize: false }), 200).location).toContain("error=access_denied");
      expectError(await api.get(`/guilds/${guild.id}/members/${bot.user.id}`, owner), 404, 10007);
      expectStatus(await authorize(api, owner, bot, { guild_id: guild.id, permissions: bits("SEND_MESSAGES") }), 200);
      expect((await asBot(server, bot.token, "DELETE", `/users/@me/guilds/${guild.id}`)).status).toBe(204);
      const roles = expectStatus(await api.get<Array<{ managed: boolean }>>(`/guilds/${guild.id}/roles`, owner), 200);
      expect(roles.some((role) => role.managed)).toBe(false);
    });
  });
}
