import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  type ApiClient,
  type ChannelBody,
  type GuildBody,
  type InviteBody,
  bits,
  createGuild,
  createRole,
  expectError,
  expectStatus,
  generalOf,
  grantRole,
  guildWith,
  setEveryone,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";
import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";

for (const mode of MODES) {
  describe(`invites (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, member: TestUser, joiners: TestUser[];
    beforeAll(async () => {
      ({ server, api, users: [owner, member, ...joiners] } = await startGuildServer(mode, 8));
    });
    afterAll(() => server.stop());

    const invite = (guild: GuildBody, as: TestUser, body: object = {}) => api.post<InviteBody>(`/channels/${generalOf(guild).id}/invites`, as, body);

    test("POST /channels/{id}/invites: 201 with a 10-character code, one-day expiry and unlimited uses by default", async () => {
      const guild = await createGuild(api, owner, "Invitable");
      const created = expectStatus(await invite(guild, owner), 201);
      expect(created).toEqual({
        code: expect.stringMatching(/^[0-9A-Za-z]{10}$/),
        guild: { id: guild.id, name: "Invitable", icon: null },
        channel: { id: generalOf(guild).id, name: "general", type: 0 },
        inviter: expect.objectContaining({ id: owner.user.id, username: owner.user.username }),
        uses: 0,
        max_uses: 0,
        max_age: 86400,
        created_at: expect.any(String),
        expires_at: expect.any(String),
      });
      expect(Date.parse(created.expires_at!) - Date.parse(created.created_at)).toBe(86_400_000);
      const forever = expectStatus(await invite(guild, owner, { max_age: 0, max_uses: 3 }), 201);
      expect(forever).toMatchObject({ max_age: 0, max_uses: 3, expires_at: null });
      expect(forever.code).not.toBe(created.code);
      const voice = guild.channels.find((channel) => channel.type === 2)!;
      expectStatus(await api.post(`/channels/${voice.id}/invites`, owner, {}), 201);
      expectStatus(await api.post(`/channels/${generalOf(guild).id}/invites`, owner), 201);
    });

    test("max_age is 0..604800 and max_uses 0..100; unknown fields are refused", async () => {
      const guild = await createGuild(api, owner);
      for (const body of [{ max_age: -1 }, { max_age: 604801 }, { max_uses: 101 }, { max_uses: 1.5 }, { temporary: "yes" }, { bogus: true }]) {
        expectError(await invite(guild, owner, body), 400, 50035);
      }
      expectStatus(await invite(guild, owner, { max_age: 604800, max_uses: 100 }), 201);
    });

    test("GET /invites/{code} previews without login; unknown codes are 404 10006", async () => {
      const { guild } = await guildWith(api, owner, { name: "Previewed", members: [member] });
      const created = expectStatus(await invite(guild, owner, { max_uses: 10 }), 201);
      const preview = expectStatus(await api.get<InviteBody>(`/invites/${created.code}`), 200);
      expect(preview).toEqual({ ...created, approximate_member_count: 2 });
      expectError(await api.get("/invites/doesnotexist"), 404, 10006);
      expectError(await api.get(`/invites/${created.code.toLowerCase() === created.code ? created.code.toUpperCase() : created.code.toLowerCase()}`), 404, 10006);
    });

    test("POST /invites/{code} joins and answers the guild; a member joining again spends no use", async () => {
      const guild = await createGuild(api, owner, "Joinable");
      const created = expectStatus(await invite(guild, owner, { max_uses: 2 }), 201);
      const joined = expectStatus(await api.post<GuildBody>(`/invites/${created.code}`, member), 200);
      expect(joined).toMatchObject({ id: guild.id, name: "Joinable", owner_id: owner.user.id });
      expect(joined.channels.map((c) => c.name)).toEqual(["general", "General"]);
      expect(expectStatus(await api.post<GuildBody>(`/invites/${created.code}`, member), 200).id).toBe(guild.id);
      expect(expectStatus(await api.post<GuildBody>(`/invites/${created.code}`, owner), 200).id).toBe(guild.id);
      expect(expectStatus(await api.get<InviteBody>(`/invites/${created.code}`), 200).uses).toBe(1);
      expectError(await api.post(`/invites/${created.code}`, null), 401, 40001);
      expectError(await api.post("/invites/doesnotexist", member), 404, 10006);
    });

    test("an invite runs out after max_uses: then it is 404 10006 to preview and to join", async () => {
      const guild = await createGuild(api, owner);
      const created = expectStatus(await invite(guild, owner, { max_uses: 2 }), 201);
      expectStatus(await api.post(`/invites/${created.code}`, joiners[0]!), 200);
      expectStatus(await api.post(`/invites/${created.code}`, joiners[1]!), 200);
      expectError(await api.post(`/invites/${created.code}`, joiners[2]!), 404, 10006);
      expectError(await api.get(`/invites/${created.code}`), 404, 10006);
      expectError(await api.get(`/guilds/${guild.id}`, joiners[2]!), 403, 50001);
    });

    test("an invite expires after max_age seconds", async () => {
      const guild = await createGuild(api, owner);
      const created = expectStatus(await invite(guild, owner, { max_age: 1 }), 201);
      expectStatus(await api.get(`/invites/${created.code}`), 200);
      await waitFor(async () => (await api.get(`/invites/${created.code}`)).status === 404, { what: "the invite to expire", timeoutMs: 5000, intervalMs: 100 });
      expectError(await api.post(`/invites/${created.code}`, joiners[3]!), 404, 10006);
      expectError(await api.get(`/guilds/${guild.id}`, joiners[3]!), 403, 50001);
    });

    test("concurrent joins through a max_uses: 1 invite admit exactly one user", async () => {
      const guild = await createGuild(api, owner);
      const created = expectStatus(await invite(guild, owner, { max_uses: 1 }), 201);
      const replies = await Promise.all(joiners.map((user) => api.post(`/invites/${created.code}`, user)));
      expect(replies.map((reply) => reply.status).sort()).toEqual([200, 404, 404, 404, 404, 404]);
      for (const reply of replies.filter((r) => r.status === 404)) expectError(reply, 404, 10006);
      const members = expectStatus(await api.get<unknown[]>(`/guilds/${guild.id}/members?limit=100`, owner), 200);
      expect(members).toHaveLength(2);
    });

    test("the same user joining concurrently spends one use", async () => {
      const guild = await createGuild(api, owner);
      const created = expectStatus(await invite(guild, owner, { max_uses: 5 }), 201);
      const replies = await Promise.all(Array.from({ length: 5 }, () => api.post(`/invites/${created.code}`, joiners[4]!)));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200, 200]);
      expect(expectStatus(await api.get<InviteBody>(`/invites/${created.code}`), 200).uses).toBe(1);
    });

    test("creating needs VIEW_CHANNEL (else 403 50001) and CREATE_INSTANT_INVITE (else 403 50013)", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      const [outsider] = joiners;
      expectError(await invite(guild, outsider!), 403, 50001);
      await setEveryone(api, owner, guild.id, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.CREATE_INSTANT_INVITE);
      expectError(await invite(guild, member), 403, 50013);
      const hidden = expectStatus(
        await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "hidden", permission_overwrites: [{ id: guild.id, type: 0, deny: bits("VIEW_CHANNEL") }] }),
        201,
      );
      expectError(await api.post(`/channels/${hidden.id}/invites`, member, {}), 403, 50001);
      expectError(await api.post("/channels/1/invites", member, {}), 404, 10003);
    });

    test("categories and DMs take no invites: 400", async () => {
      const guild = await createGuild(api, owner);
      const category = expectStatus(await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "Stuff", type: 4 }), 201);
      expectError(await api.post(`/channels/${category.id}/invites`, owner, {}), 400, 50035);
      const dm = expectStatus(await api.post<ChannelBody>("/users/@me/channels", owner, { recipient_id: member.user.id }), 200);
      expectError(await api.post(`/channels/${dm.id}/invites`, owner, {}), 400, 50035);
      expectError(await api.post(`/channels/${dm.id}/invites`, joiners[5]!, {}), 403, 50001);
    });

    test("DELETE /invites/{code}: the inviter or MANAGE_GUILD (204); other members 403 50013, outsiders 403 50001", async () => {
      const { guild } = await guildWith(api, owner, { members: [member, joiners[0]!] });
      const mine = expectStatus(await invite(guild, member), 201);
      const theirs = expectStatus(await invite(guild, owner), 201);
      expectError(await api.delete(`/invites/${theirs.code}`, member), 403, 50013);
      expectError(await api.delete(`/invites/${theirs.code}`, joiners[1]!), 403, 50001);
      expectStatus(await api.delete(`/invites/${mine.code}`, member), 204);
      expectError(await api.get(`/invites/${mine.code}`), 404, 10006);
      const managers = await createRole(api, owner, guild.id, { permissions: bits("MANAGE_GUILD") });
      await grantRole(api, owner, guild.id, joiners[0]!.user.id, managers.id);
      expectStatus(await api.delete(`/invites/${theirs.code}`, joiners[0]!), 204);
      expectError(await api.delete(`/invites/${theirs.code}`, owner), 404, 10006);
    });

    test("GET /guilds/{id}/invites lists working invites with MANAGE_GUILD", async () => {
      const { guild } = await guildWith(api, owner, { members: [member] });
      const before = expectStatus(await api.get<InviteBody[]>(`/guilds/${guild.id}/invites`, owner), 200);
      const created = expectStatus(await invite(guild, member, { max_uses: 7 }), 201);
      const used = expectStatus(await invite(guild, owner, { max_uses: 1 }), 201);
      expectStatus(await api.post(`/invites/${used.code}`, joiners[2]!), 200);
      const listed = expectStatus(await api.get<InviteBody[]>(`/guilds/${guild.id}/invites`, owner), 200);
      expect(listed.map((i) => i.code)).toEqual([...before.map((i) => i.code), created.code]);
      expect(listed.at(-1)).toEqual(created);
      expectError(await api.get(`/guilds/${guild.id}/invites`, member), 403, 50013);
      expectError(await api.get(`/guilds/${guild.id}/invites`, joiners[5]!), 403, 50001);
    });

    test("deleting the channel deletes its invites", async () => {
      const guild = await createGuild(api, owner);
      const channel = expectStatus(await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "temp" }), 201);
      const created = expectStatus(await api.post<InviteBody>(`/channels/${channel.id}/invites`, owner, {}), 201);
      expectStatus(await api.delete(`/channels/${channel.id}`, owner), 200);
      expectError(await api.get(`/invites/${created.code}`), 404, 10006);
    });
  });
}
