import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type GuildBody, Permission, apiClient, bits, createGuild, createRole, expectError, expectStatus, generalOf, grantRole, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { MODES, type TestServer, modeNamed, startServer } from "../support/server";

interface Page {
  id: string;
  content: string;
  pinned: boolean;
  reactions?: Array<{ emoji: { name: string }; count: number; me: boolean }>;
}

const everyoneBut = (...names: Array<keyof typeof Permission>) => {
  let value = (1n << 41n) - 1n;
  for (const name of names) value &= ~Permission[name];
  return value & ~Permission.ADMINISTRATOR;
};

/**
 * Newest pages and channel permissions come from each node's memory once read (history-cache.ts,
 * permission-cache.ts). Every write must show on the very next read: on the node that wrote, and on any other node
 * (the commit notice reaches it before the writer answers), so none of these reads waits or retries.
 */
const scenario = (nodes: () => { writer: TestServer; reader: TestServer }) => {
  let write: ApiClient;
  let read: ApiClient;
  let owner: TestUser;
  let member: TestUser;
  let guild: GuildBody;
  let channelId: string;
  const page = async (as: TestUser, limit = 50) => expectStatus(await read.get<Page[]>(`/channels/${channelId}/messages?limit=${limit}`, as), 200);

  beforeAll(async () => {
    const { writer, reader } = nodes();
    [write, read] = [apiClient(writer), apiClient(reader)];
    [owner, member] = await registerUsers(writer, 2);
    guild = await createGuild(write, owner);
    await joinAll(write, owner, guild, [member]);
    channelId = generalOf(guild).id;
    for (let i = 0; i < 3; i++) expectStatus(await write.post(`/channels/${channelId}/messages`, owner, { content: `first ${i}` }), 201);
  });

  test("a send, an edit, a pin and a delete show on the next read", async () => {
    expect((await page(member)).map((message) => message.content)).toEqual(["first 2", "first 1", "first 0"]);
    const sent = expectStatus(await write.post<Page>(`/channels/${channelId}/messages`, owner, { content: "new" }), 201);
    expect((await page(member))[0]!.content).toBe("new");
    expect((await page(member, 2)).map((message) => message.content)).toEqual(["new", "first 2"]);
    expectStatus(await write.patch(`/channels/${channelId}/messages/${sent.id}`, owner, { content: "edited" }), 200);
    expect((await page(member))[0]!.content).toBe("edited");
    expectStatus(await write.put(`/channels/${channelId}/pins/${sent.id}`, owner), 204);
    expect((await page(member))[0]!.pinned).toBe(true);
    expectStatus(await write.delete(`/channels/${channelId}/messages/${sent.id}`, owner), 204);
    expect((await page(member)).map((message) => message.content)).toEqual(["first 2", "first 1", "first 0"]);
  });

  test("reactions show with `me` for the viewer who reacted only", async () => {
    const [newest] = await page(member);
    expectStatus(await write.put(`/channels/${channelId}/messages/${newest!.id}/reactions/${encodeURIComponent("👍")}/@me`, member), 204);
    expect((await page(member))[0]!.reactions).toEqual([{ emoji: { id: null, name: "👍" }, count: 1, me: true } as never]);
    expect((await page(owner))[0]!.reactions).toEqual([{ emoji: { id: null, name: "👍" }, count: 1, me: false } as never]);
    expectStatus(await write.delete(`/channels/${channelId}/messages/${newest!.id}/reactions/${encodeURIComponent("👍")}/@me`, member), 204);
    expect((await page(member))[0]!.reactions ?? []).toEqual([]);
  });

  test("losing READ_MESSAGE_HISTORY through @everyone refuses the next read", async () => {
    await page(member);
    expectStatus(await write.patch(`/guilds/${guild.id}/roles/${guild.id}`, owner, { permissions: everyoneBut("READ_MESSAGE_HISTORY").toString() }), 200);
    expectError(await read.get(`/channels/${channelId}/messages`, member), 403, 50013);
    const reader = await createRole(write, owner, guild.id, { permissions: bits("READ_MESSAGE_HISTORY") });
    await grantRole(write, owner, guild.id, member.user.id, reader.id);
    expect((await page(member)).length).toBeGreaterThan(0);
    expectStatus(await write.delete(`/guilds/${guild.id}/members/${member.user.id}/roles/${reader.id}`, owner), 204);
    expectError(await read.get(`/channels/${channelId}/messages`, member), 403, 50013);
    expectStatus(await write.patch(`/guilds/${guild.id}/roles/${guild.id}`, owner, { permissions: everyoneBut().toString() }), 200);
    expect((await page(member)).length).toBeGreaterThan(0);
  });

  test("an overwrite denying VIEW_CHANNEL refuses the next read", async () => {
    await page(member);
    expectStatus(await write.put(`/channels/${channelId}/permissions/${member.user.id}`, owner, { type: 1, allow: "0", deny: bits("VIEW_CHANNEL") }), 204);
    expectError(await read.get(`/channels/${channelId}/messages`, member), 403, 50001);
    expectStatus(await write.delete(`/channels/${channelId}/permissions/${member.user.id}`, owner), 204);
    expect((await page(member)).length).toBeGreaterThan(0);
  });

  test("a page read again is answered whole each time: status, headers, and one gzip body for clients that ask", async () => {
    const { reader } = nodes();
    // Long enough together (over 4 KiB of JSON) to be compressed for a client that accepts gzip.
    for (const [i, author] of [owner, member].entries()) expectStatus(await write.post(`/channels/${channelId}/messages`, author, { content: `long ${i} ${"x".repeat(1900)}` }), 201);
    const path = `/api/v1/channels/${channelId}/messages?limit=50`;
    const reads: Response[] = [];
    for (let i = 0; i < 3; i++) reads.push(await reader.request(path, { token: owner.access_token }));
    const bodies = await Promise.all(reads.map((response) => response.text()));
    expect(reads.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(bodies).size).toBe(1);
    expect((JSON.parse(bodies[0]!) as Page[])[0]!.content).toStartWith("long 1 ");
    for (const response of reads) {
      expect(response.headers.get("content-type")).toStartWith("application/json");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(new Set(reads.map((response) => response.headers.get("x-request-id"))).size).toBe(3);
    for (let i = 0; i < 2; i++) {
      const zipped = await reader.request(path, { token: owner.access_token, headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit);
      expect(zipped.status).toBe(200);
      expect(zipped.headers.get("content-encoding")).toBe("gzip");
      expect(Bun.gunzipSync(new Uint8Array(await zipped.arrayBuffer()))).toEqual(new TextEncoder().encode(bodies[0]!));
    }
  });

  test("a kicked member is refused on the next read", async () => {
    await page(member);
    expectStatus(await write.delete(`/guilds/${guild.id}/members/${member.user.id}`, owner), 204);
    expect((await read.get(`/channels/${channelId}/messages`, member)).status).toBe(403);
  });
};

for (const mode of MODES) {
  describe(`newest pages and permissions from memory, one node (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode);
    });
    afterAll(() => server.stop());
    scenario(() => ({ writer: server, reader: server }));
  });
}

describe("newest pages and permissions from memory, written on node A and read on node B (postgres+redis)", () => {
  const mode = modeNamed("postgres+redis");
  let nodeA: TestServer;
  let nodeB: TestServer;
  beforeAll(async () => {
    nodeA = await startServer(mode, identityEnv(mode, { NODE_ID: "21" }));
    nodeB = await startServer(mode, identityEnv(mode, { NODE_ID: "22" }));
  });
  afterAll(async () => {
    await nodeA.stop();
    await nodeB.stop();
  });
  scenario(() => ({ writer: nodeA, reader: nodeB }));
});
