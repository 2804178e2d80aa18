/**
 * `DATABASE_URL=…?pgbouncer=true` against a real PgBouncer in transaction mode (started by `bun run test`, which
 * exports PGBOUNCER_URL): every statement shape of the hot and transactional paths must work without named prepared
 * statements, since a statement prepared on one server connection is unknown on the next.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { identify } from "../support/gateway";
import { type ApiClient, apiClient, bits, createGuild, createRole, expectStatus, generalOf, grantRole, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { type MessageBody, createTextChannel, history, send } from "../support/message";
import { errorLogs } from "../support/security";
import { type TestServer, modeNamed, startServer } from "../support/server";

const mode = modeNamed("postgres+redis");
const pgBouncerUrl = process.env.PGBOUNCER_URL;
const skipped = pgBouncerUrl ? "" : " [skipped: PGBOUNCER_URL is unset; `bun run test` exports it when /usr/sbin/pgbouncer is installed]";

/** A node whose every database statement goes through PgBouncer. */
const startBehindPgBouncer = (nodeId: string, url = pgBouncerUrl!): Promise<TestServer> =>
  startServer(mode, identityEnv(mode, { DATABASE_URL: url, NODE_ID: nodeId, LOG_PRETTY: "false" }));

const ids = (messages: readonly MessageBody[]) => messages.map((message) => message.id);

/** Snowflake order, newest first, as history pages come. */
const newestFirst = (list: readonly string[]) => [...list].sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0));

describe.skipIf(!pgBouncerUrl)(`postgres+redis behind PgBouncer in transaction mode${skipped}`, () => {
  let server: TestServer;
  let api: ApiClient;
  let owner: TestUser;
  let users: TestUser[];
  let guildId: string;
  let general: string;

  beforeAll(async () => {
    server = await startBehindPgBouncer("21");
    api = apiClient(server);
    [owner, ...users] = await registerUsers(server, 4);
    const guild = await createGuild(api, owner, "Bounced");
    guildId = guild.id;
    general = generalOf(guild).id;
    await joinAll(api, owner, guild, users);
  });
  afterAll(() => server.stop());

  test("40 concurrent sends from four users all land; history returns every one, newest first", async () => {
    const channel = (await createTextChannel(api, owner, guildId, "burst")).id;
    const senders = [owner, ...users];
    const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => send(api, senders[i % senders.length]!, channel, `burst ${i}`)));
    const page = await history(api, owner, channel, "limit=100");
    expect(ids(page)).toEqual(newestFirst(ids(sent)));
    expect(page.map((message) => message.content).sort()).toEqual(sent.map((message) => message.content).sort());
  });

  test("sequential sends read back in send order, and pages after an anchor continue it", async () => {
    const channel = (await createTextChannel(api, owner, guildId, "sequence")).id;
    const sent: MessageBody[] = [];
    for (let i = 0; i < 12; i++) sent.push(await send(api, users[i % users.length]!, channel, `step ${i}`));
    expect((await history(api, owner, channel)).map((message) => message.content).reverse()).toEqual(sent.map((message) => message.content));
    expect(ids(await history(api, owner, channel, `after=${sent[5]!.id}&limit=3`))).toEqual(ids(sent.slice(6, 9)).reverse());
    expect(ids(await history(api, owner, channel, `before=${sent[5]!.id}&limit=100`))).toEqual(ids(sent.slice(0, 5)).reverse());
  });

  test("a send with an enforced nonce, made twice, creates one message", async () => {
    const body = { content: "exactly once", nonce: "bounce-1", enforce_nonce: true };
    const first = expectStatus(await api.post<MessageBody>(`/channels/${general}/messages`, owner, body), 201);
    const again = expectStatus(await api.post<MessageBody>(`/channels/${general}/messages`, owner, body), 200);
    expect(again.id).toBe(first.id);
    expect((await history(api, owner, general, "limit=100")).filter((message) => message.content === "exactly once")).toHaveLength(1);
  });

  test("edit, react, pin, acknowledge and delete a message", async () => {
    const [alice, bob] = users as [TestUser, TestUser];
    const message = await send(api, alice, general, "draft");
    const path = `/channels/${general}/messages/${message.id}`;
    expect(expectStatus(await api.patch<MessageBody>(path, alice, { content: "final" }), 200)).toMatchObject({ content: "final", edited_at: expect.any(String) });
    expectStatus(await api.put(`${path}/reactions/${encodeURIComponent("👍")}/@me`, bob), 204);
    expectStatus(await api.put(`/channels/${general}/pins/${message.id}`, owner), 204);
    expect(ids(expectStatus(await api.get<MessageBody[]>(`/channels/${general}/pins`, bob), 200))).toContain(message.id);
    expect(expectStatus(await api.get<MessageBody>(path, bob), 200)).toMatchObject({ content: "final", pinned: true, reactions: [{ count: 1 }] });
    expectStatus(await api.post(`${path}/ack`, bob), 204);
    expectStatus(await api.delete(path, alice), 204);
    expect((await api.get(path, bob)).status).toBe(404);
  });

  test("roles, member changes and a ban (multi-statement transactions)", async () => {
    const [alice, bob, carol] = users as [TestUser, TestUser, TestUser];
    const role = await createRole(api, owner, guildId, { name: "mods", permissions: bits("BAN_MEMBERS", "KICK_MEMBERS") });
    await grantRole(api, owner, guildId, alice.user.id, role.id);
    expect(expectStatus(await api.get<{ roles: string[] }>(`/guilds/${guildId}/members/${alice.user.id}`, alice), 200).roles).toEqual([role.id]);
    expectStatus(await api.patch(`/guilds/${guildId}/roles/${role.id}`, owner, { name: "moderators" }), 200);
    expectStatus(await api.put(`/guilds/${guildId}/bans/${carol.user.id}`, alice, { reason: "testing", delete_message_seconds: 3600 }), 204);
    const bans = expectStatus(await api.get<Array<{ user: { id: string } }>>(`/guilds/${guildId}/bans`, alice), 200);
    expect(bans.map((ban) => ban.user.id)).toEqual([carol.user.id]);
    expect((await api.get(`/channels/${general}/messages`, carol)).status).toBe(403);
    expectStatus(await api.delete(`/guilds/${guildId}/bans/${carol.user.id}`, alice), 204);
    expectStatus(await api.delete(`/guilds/${guildId}/members/${bob.user.id}`, alice), 204);
    const members = expectStatus(await api.get<Array<{ user: { id: string } }>>(`/guilds/${guildId}/members?limit=100`, owner), 200);
    expect(members.map((member) => member.user.id).sort()).toEqual([owner.user.id, alice.user.id].sort());
  });

  test("a gateway session identifies (READY) and receives MESSAGE_CREATE for a send", async () => {
    const { client, ready } = await identify(server.url, owner.access_token);
    try {
      expect(ready.user.id).toBe(owner.user.id);
      expect(ready.guilds.map((guild) => (guild as { id: string }).id)).toContain(guildId);
      const message = await send(api, users[0]!, general, "over the gateway");
      expect((await client.dispatch("MESSAGE_CREATE", (d) => d.id === message.id)).d).toMatchObject({ content: "over the gateway", channel_id: general });
    } finally {
      client.close();
    }
  });

  test("nothing was logged at error level", () => {
    expect(errorLogs(server)).toEqual([]);
  });
});

describe.skipIf(!pgBouncerUrl)(`two nodes behind one PgBouncer, started together on an empty database${skipped}`, () => {
  const database = `xcord_pgbouncer_${process.pid}`;
  let admin: ReturnType<typeof postgres>;
  let nodeA: TestServer;
  let nodeB: TestServer;

  // Both migrate the new database at once through PgBouncer (its `*` entry serves any database name): the migration
  // lock must make them take turns, although consecutive statements of a session may reach different server connections.
  beforeAll(async () => {
    admin = postgres(process.env.DATABASE_URL ?? "", { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${database}`);
    const url = new URL(pgBouncerUrl!);
    url.pathname = `/${database}`;
    [nodeA, nodeB] = await Promise.all([startBehindPgBouncer("22", url.href), startBehindPgBouncer("23", url.href)]);
  });
  afterAll(async () => {
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  test("a send on node A reaches a session on node B and reads back on node B", async () => {
    const [apiA, apiB] = [apiClient(nodeA), apiClient(nodeB)];
    const [owner, member] = await registerUsers(nodeA, 2);
    const guild = await createGuild(apiB, owner, "Two nodes");
    await joinAll(apiA, owner, guild, [member]);
    const { client } = await identify(nodeB.url, member.access_token);
    try {
      const sent = await Promise.all(Array.from({ length: 10 }, (_, i) => send(apiA, i % 2 ? owner : member, generalOf(guild).id, `across ${i}`)));
      const last = sent.at(-1)!;
      expect((await client.dispatch("MESSAGE_CREATE", (d) => d.id === last.id)).d.content).toBe(last.content);
      expect(ids(await history(apiB, member, generalOf(guild).id, "limit=100"))).toEqual(newestFirst(ids(sent)));
      const edited = expectStatus(await apiB.patch<MessageBody>(`/channels/${generalOf(guild).id}/messages/${sent[0]!.id}`, member, { content: "edited on B" }), 200);
      expect(expectStatus(await apiA.get<MessageBody>(`/channels/${generalOf(guild).id}/messages/${edited.id}`, owner), 200).content).toBe("edited on B");
    } finally {
      client.close();
    }
  });

  test("neither node logged at error level", () => {
    expect([...errorLogs(nodeA), ...errorLogs(nodeB)]).toEqual([]);
  });
});
