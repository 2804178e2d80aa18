import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import {
  type ApiClient,
  type ChannelBody,
  type GuildBody,
  type Reply,
  createGuild,
  expectError,
  expectStatus,
  generalOf,
  startGuildServer,
} from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";
import { fieldErrors } from "../support/errors";

type Channel = ChannelBody & { user_limit?: number };

/** A 400 50035 whose field errors name `field`. */
const expectFieldError = (reply: Reply, field: string): void => {
  expectError(reply, 400, 50035);
  expect(fieldErrors(reply.body)).toHaveProperty(field);
};

for (const mode of MODES) {
  describe(`voice channel user limits (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let guild: GuildBody;
    beforeAll(async () => {
      ({ server, api, users: [owner] } = await startGuildServer(mode, 1));
      guild = await createGuild(api, owner);
    });
    afterAll(() => server.stop());

    const create = (body: object) => api.post<Channel>(`/guilds/${guild.id}/channels`, owner, body);
    const patch = (id: string, body: object) => api.patch<Channel>(`/channels/${id}`, owner, body);

    test("every guild channel shows user_limit, 0 by default (the default voice channel too)", async () => {
      const channels = guild.channels as Channel[];
      expect(channels.map((c) => [c.type, c.user_limit])).toEqual([
        [0, 0],
        [2, 0],
      ]);
      expect(expectStatus(await api.get<Channel>(`/channels/${generalOf(guild).id}`, owner), 200).user_limit).toBe(0);
      expect(expectStatus(await create({ name: "cat", type: 4 }), 201).user_limit).toBe(0);
    });

    test("a voice channel is created with a limit (201) and PATCH changes it, as GET then shows", async () => {
      const voice = expectStatus(await create({ name: "Small Room", type: 2, user_limit: 5 }), 201);
      expect(voice).toMatchObject({ type: 2, name: "Small Room", user_limit: 5, bitrate: 64000 });
      // Discord's libraries read `bitrate` on voice channels; text channels have none, as on Discord.
      expect(generalOf(guild)).not.toHaveProperty("bitrate");
      expect(expectStatus(await patch(voice.id, { user_limit: 10 }), 200).user_limit).toBe(10);
      expect(expectStatus(await api.get<Channel>(`/channels/${voice.id}`, owner), 200).user_limit).toBe(10);
      expect(expectStatus(await patch(voice.id, { name: "Renamed" }), 200).user_limit).toBe(10);
      expect(expectStatus(await patch(voice.id, { user_limit: 0 }), 200).user_limit).toBe(0);
      const listed = expectStatus(await api.get<Channel[]>(`/guilds/${guild.id}/channels`, owner), 200);
      expect(listed.find((c) => c.id === voice.id)?.user_limit).toBe(0);
    });

    test("only voice channels take a non-zero limit, of at most 99: 400 50035 on user_limit", async () => {
      expectFieldError(await create({ name: "text", user_limit: 3 }), "user_limit");
      expectFieldError(await create({ name: "cat", type: 4, user_limit: 1 }), "user_limit");
      for (const user_limit of [100, -1, 2.5, null]) {
        expectFieldError(await create({ name: "Room", type: 2, user_limit }), "user_limit");
      }
      expect(expectStatus(await create({ name: "text", user_limit: 0 }), 201).user_limit).toBe(0);
      expect(expectStatus(await create({ name: "Full Room", type: 2, user_limit: 99 }), 201).user_limit).toBe(99);

      const voice = expectStatus(await create({ name: "Room", type: 2, user_limit: 4 }), 201);
      expectFieldError(await patch(generalOf(guild).id, { user_limit: 3 }), "user_limit");
      for (const user_limit of [100, -1]) expectFieldError(await patch(voice.id, { user_limit }), "user_limit");
      expect(expectStatus(await api.get<Channel>(`/channels/${voice.id}`, owner), 200).user_limit).toBe(4);
    });

    test("CHANNEL_CREATE and CHANNEL_UPDATE carry user_limit", async () => {
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
      try {
        const voice = expectStatus(await create({ name: "Evented", type: 2, user_limit: 2 }), 201);
        const created = await waitFor(() => seen.find((e) => e.type === "CHANNEL_CREATED" && (e.data as Channel).id === voice.id), { what: "CHANNEL_CREATED" });
        expect(created.data).toEqual(voice);
        const updated = expectStatus(await patch(voice.id, { user_limit: 7 }), 200);
        const update = await waitFor(() => seen.find((e) => e.type === "CHANNEL_UPDATED" && (e.data as Channel).id === voice.id), { what: "CHANNEL_UPDATED" });
        expect(update.data).toEqual(updated);
        expect((update.data as Channel).user_limit).toBe(7);
      } finally {
        await stop();
      }
    });
  });
}
