import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import {
  type ApiClient,
  type ChannelBody,
  type GuildBody,
  bits,
  createGuild,
  expectError,
  expectStatus,
  generalOf,
  guildWith,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";

for (const mode of MODES) {
  describe(`guild channels (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, manager: TestUser, member: TestUser, outsider: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner, manager, member, outsider] } = await startGuildServer(mode, 4));
    });
    afterAll(() => server.stop());

    /** A guild where `manager` holds MANAGE_CHANNELS and `member` nothing special. */
    const channelGuild = async () => {
      const { guild } = await guildWith(api, owner, {
        members: [manager, member],
        roles: { managers: { name: "Channel managers", permissions: ["MANAGE_CHANNELS"], holders: [manager] } },
      });
      return guild;
    };
    // user_limit is not in the shared support type (tests/support is outside this change).
    const create = (guild: GuildBody, as: TestUser, body: object) =>
      api.post<ChannelBody & { user_limit?: number }>(`/guilds/${guild.id}/channels`, as, body);

    test("POST creates text (default), voice and category channels at the end (201)", async () => {
      const guild = await channelGuild();
      const text = expectStatus(await create(guild, manager, { name: "  Off   Topic  ", topic: "anything" }), 201);
      expect(text).toEqual({
        id: expect.stringMatching(/^[0-9]+$/),
        type: 0,
        guild_id: guild.id,
        name: "off-topic",
        position: 2,
        parent_id: null,
        topic: "anything",
        user_limit: 0,
        rate_limit_per_user: 0,
        permission_overwrites: [],
        last_message_id: null,
      });
      const voice = expectStatus(await create(guild, manager, { name: "Big Room", type: 2 }), 201);
      expect(voice).toMatchObject({ type: 2, name: "Big Room", position: 3, topic: null, user_limit: 0 });
      const category = expectStatus(await create(guild, manager, { name: "Text Channels", type: 4, position: 0 }), 201);
      expect(category).toMatchObject({ type: 4, name: "Text Channels", position: 0, user_limit: 0 });
      const listed = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, member), 200);
      expect(listed.map((c) => c.name)).toEqual(["general", "Text Channels", "General", "off-topic", "Big Room"]);
    });

    test("names are 1–100 characters (after normalization); types 0, 2 and 4 only; topics on text channels", async () => {
      const guild = await channelGuild();
      for (const body of [{ name: "" }, { name: "   " }, { name: "x".repeat(101) }, { name: "ok", type: 1 }, { name: "ok", type: 3 }, { name: "v", type: 2, topic: "no" }]) {
        expectError(await create(guild, owner, body), 400, 50035);
      }
      expect(expectStatus(await create(guild, owner, { name: "X".repeat(100) }), 201).name).toBe("x".repeat(100));
      expectError(await create(guild, owner, { name: "ok", nsfw: "yes" }), 400, 50035);
    });

    test("a parent must be a category of the same guild; categories take no parent", async () => {
      const guild = await channelGuild();
      const other = await createGuild(api, owner);
      const category = expectStatus(await create(guild, owner, { name: "Cat", type: 4 }), 201);
      const foreign = expectStatus(await create(other, owner, { name: "Foreign", type: 4 }), 201);
      const child = expectStatus(await create(guild, owner, { name: "child", parent_id: category.id }), 201);
      expect(child.parent_id).toBe(category.id);
      for (const parent_id of [generalOf(guild).id, foreign.id, "1"]) {
        const reply = await create(guild, owner, { name: "stray", parent_id });
        expectError(reply, 400, 50035);
        expect(reply.body).toMatchObject({ errors: { parent_id: { _errors: expect.any(Array) } } });
      }
      expectError(await create(guild, owner, { name: "Nested", type: 4, parent_id: category.id }), 400, 50035);
    });

    test("creating needs MANAGE_CHANNELS: 403 50013; outsiders 403 50001; unknown guilds 404 10004", async () => {
      const guild = await channelGuild();
      expectError(await create(guild, member, { name: "nope" }), 403, 50013);
      expectError(await create(guild, outsider, { name: "nope" }), 403, 50001);
      expectError(await api.post("/guilds/1/channels", owner, { name: "nope" }), 404, 10004);
      expectError(await api.get(`/guilds/${guild.id}/channels`, outsider), 403, 50001);
    });

    test("GET /channels/{id}: visible to members with VIEW_CHANNEL; 403 50001 otherwise; 404 10003 when unknown", async () => {
      const guild = await channelGuild();
      const general = generalOf(guild);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${general.id}`, member), 200)).toEqual(general);
      expectError(await api.get(`/channels/${general.id}`, outsider), 403, 50001);
      const hidden = expectStatus(await create(guild, owner, { name: "hidden", permission_overwrites: [{ id: guild.id, type: 0, deny: bits("VIEW_CHANNEL") }] }), 201);
      expectError(await api.get(`/channels/${hidden.id}`, member), 403, 50001);
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${hidden.id}`, owner), 200).id).toBe(hidden.id);
      expectError(await api.get("/channels/1", member), 404, 10003);
      expectError(await api.get("/channels/99999999999999999999", member), 404, 10003);
      const listed = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, member), 200);
      expect(listed.map((c) => c.id)).not.toContain(hidden.id);
    });

    test("PATCH /channels/{id} edits name, topic, position and parent with MANAGE_CHANNELS", async () => {
      const guild = await channelGuild();
      const category = expectStatus(await create(guild, owner, { name: "Cat", type: 4 }), 201);
      const channel = expectStatus(await create(guild, owner, { name: "old" }), 201);
      const edited = expectStatus(
        await api.patch<ChannelBody>(`/channels/${channel.id}`, manager, { name: "New Name", topic: "fresh", position: 7, parent_id: category.id }),
        200,
      );
      expect(edited).toMatchObject({ id: channel.id, name: "new-name", topic: "fresh", position: 7, parent_id: category.id });
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${channel.id}`, member), 200)).toEqual(edited);
      const cleared = expectStatus(await api.patch<ChannelBody>(`/channels/${channel.id}`, manager, { topic: null, parent_id: null }), 200);
      expect(cleared).toMatchObject({ topic: null, parent_id: null });
      expectError(await api.patch(`/channels/${channel.id}`, member, { name: "mine" }), 403, 50013);
      expectError(await api.patch(`/channels/${channel.id}`, outsider, { name: "mine" }), 403, 50001);
      expectError(await api.patch(`/channels/${channel.id}`, manager, { name: "" }), 400, 50035);
      expectError(await api.patch(`/channels/${channel.id}`, manager, { parent_id: channel.id }), 400, 50035);
      expectError(await api.patch(`/channels/${channel.id}`, manager, { type: 2 }), 400, 50035);
      expectStatus(await api.patch(`/channels/${channel.id}`, manager, { type: channel.type }), 200);
      expectError(await api.patch(`/channels/${category.id}`, manager, { parent_id: category.id }), 400, 50035);
    });

    test("DELETE /channels/{id} answers the channel; deleting a category un-parents its channels", async () => {
      const guild = await channelGuild();
      const category = expectStatus(await create(guild, owner, { name: "Cat", type: 4 }), 201);
      const child = expectStatus(await create(guild, owner, { name: "child", parent_id: category.id }), 201);
      expectError(await api.delete(`/channels/${category.id}`, member), 403, 50013);
      expectError(await api.delete(`/channels/${category.id}`, outsider), 403, 50001);
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
      try {
        expect(expectStatus(await api.delete<ChannelBody>(`/channels/${category.id}`, manager), 200)).toEqual(category);
        expect(expectStatus(await api.get<ChannelBody>(`/channels/${child.id}`, member), 200).parent_id).toBeNull();
        expectError(await api.get(`/channels/${category.id}`, member), 404, 10003);
        const update = await waitFor(() => seen.find((e) => e.type === "CHANNEL_UPDATED"), { what: "CHANNEL_UPDATED of the child" });
        expect(update.data).toMatchObject({ id: child.id, parent_id: null, guild_id: guild.id });
        const deleted = await waitFor(() => seen.find((e) => e.type === "CHANNEL_DELETED"), { what: "CHANNEL_DELETED" });
        expect(deleted.data).toEqual(category);
      } finally {
        await stop();
      }
      expectError(await api.delete(`/channels/${category.id}`, manager), 404, 10003);
    });

    test("PATCH /guilds/{id}/channels reorders and re-parents (204)", async () => {
      const guild = await channelGuild();
      const category = expectStatus(await create(guild, owner, { name: "Cat", type: 4 }), 201);
      const voice = guild.channels.find((c) => c.type === 2)!;
      expectStatus(
        await api.patch(`/guilds/${guild.id}/channels`, manager, [
          { id: category.id, position: 0 },
          { id: generalOf(guild).id, position: 1, parent_id: category.id },
          { id: voice.id, position: 0 },
        ]),
        204,
      );
      const listed = expectStatus(await api.get<ChannelBody[]>(`/guilds/${guild.id}/channels`, member), 200);
      expect(listed.map((c) => [c.name, c.position, c.parent_id])).toEqual([
        ["General", 0, null],
        ["Cat", 0, null],
        ["general", 1, category.id],
      ]);
      const moved = expectStatus(await api.patch(`/guilds/${guild.id}/channels`, manager, [{ id: generalOf(guild).id, position: 1, parent_id: null }]), 204);
      expect(moved).toBeUndefined();
      expect(expectStatus(await api.get<ChannelBody>(`/channels/${generalOf(guild).id}`, member), 200).parent_id).toBeNull();
      expectError(await api.patch(`/guilds/${guild.id}/channels`, member, [{ id: voice.id, position: 3 }]), 403, 50013);
      expectError(await api.patch(`/guilds/${guild.id}/channels`, manager, [{ id: "1", position: 3 }]), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/channels`, manager, [{ id: voice.id, position: -1 }]), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/channels`, manager, [{ id: voice.id, position: 1, parent_id: voice.id }]), 400, 50035);
      expectError(await api.patch(`/guilds/${guild.id}/channels`, manager, [{ id: category.id, position: 1, parent_id: category.id }]), 400, 50035);
    });

    test("CHANNEL_CREATED goes to the guild's topic with the channel object", async () => {
      const guild = await channelGuild();
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
      try {
        const channel = expectStatus(await create(guild, manager, { name: "announced" }), 201);
        const event = await waitFor(() => seen.find((e) => e.type === "CHANNEL_CREATED"), { what: "CHANNEL_CREATED" });
        expect(event.data).toEqual(channel);
        expect(event.topics).toEqual([`guild:${guild.id}`]);
      } finally {
        await stop();
      }
    });
  });
}
