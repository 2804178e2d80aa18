/** A voice channel's `video_quality_mode` (1 auto, 2 full): stored, shown, changed, and refused where it has no meaning. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { DomainEvent } from "../../src/shared/kernel/domain-event";
import { type ApiClient, type ChannelBody, type GuildBody, type Reply, createGuild, expectError, expectStatus, generalOf, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer, waitFor } from "../support/server";
import { fieldErrors } from "../support/errors";

type Channel = ChannelBody & { video_quality_mode?: number };

const expectFieldError = (reply: Reply, field: string): void => {
  expectError(reply, 400, 50035);
  expect(fieldErrors(reply.body)).toHaveProperty(field);
};

for (const mode of MODES) {
  describe(`voice channel video quality mode (${mode.name})`, () => {
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
    const get = async (id: string) => expectStatus(await api.get<Channel>(`/channels/${id}`, owner), 200);

    test("voice channels show 1 (auto) by default, the guild's default one too; other channels have none", async () => {
      const voice = (guild.channels as Channel[]).find((channel) => channel.type === 2)!;
      expect(voice.video_quality_mode).toBe(1);
      expect((await get(voice.id)).video_quality_mode).toBe(1);
      expect(expectStatus(await create({ name: "Lounge", type: 2 }), 201).video_quality_mode).toBe(1);
      expect(generalOf(guild)).not.toHaveProperty("video_quality_mode");
      // Discord's libraries may send the default with any channel: accepted, and still not shown on text channels.
      expect(expectStatus(await create({ name: "text", video_quality_mode: 1 }), 201)).not.toHaveProperty("video_quality_mode");
    });

    test("created with 2 (full), changed by PATCH, kept by other edits, listed with the guild's channels", async () => {
      const voice = expectStatus(await create({ name: "Cinema", type: 2, video_quality_mode: 2 }), 201);
      expect(voice).toMatchObject({ type: 2, video_quality_mode: 2, bitrate: 64000 });
      expect((await get(voice.id)).video_quality_mode).toBe(2);
      expect(expectStatus(await patch(voice.id, { name: "Big Cinema" }), 200).video_quality_mode).toBe(2);
      expect(expectStatus(await patch(voice.id, { video_quality_mode: 1 }), 200).video_quality_mode).toBe(1);
      expect((await get(voice.id)).video_quality_mode).toBe(1);
      expect(expectStatus(await patch(voice.id, { video_quality_mode: 2 }), 200).video_quality_mode).toBe(2);
      const listed = expectStatus(await api.get<Channel[]>(`/guilds/${guild.id}/channels`, owner), 200);
      expect(listed.find((channel) => channel.id === voice.id)?.video_quality_mode).toBe(2);
    });

    test("only 1 or 2, and 2 only on voice channels: 400 50035 on video_quality_mode", async () => {
      for (const video_quality_mode of [0, 3, -1, 1.5, null, "full"]) {
        expectFieldError(await create({ name: "Room", type: 2, video_quality_mode }), "video_quality_mode");
      }
      expectFieldError(await create({ name: "text", video_quality_mode: 2 }), "video_quality_mode");
      expectFieldError(await create({ name: "cat", type: 4, video_quality_mode: 2 }), "video_quality_mode");
      expectFieldError(await patch(generalOf(guild).id, { video_quality_mode: 2 }), "video_quality_mode");
      const voice = expectStatus(await create({ name: "Room", type: 2, video_quality_mode: 2 }), 201);
      expectFieldError(await patch(voice.id, { video_quality_mode: 3 }), "video_quality_mode");
      expect((await get(voice.id)).video_quality_mode).toBe(2);
    });

    test("CHANNEL_UPDATE carries video_quality_mode", async () => {
      const seen: DomainEvent[] = [];
      const stop = await server.app.adapters.pubSub.subscribe(`guild:${guild.id}`, (message) => void seen.push(JSON.parse(message)));
      try {
        const voice = expectStatus(await create({ name: "Evented", type: 2 }), 201);
        const updated = expectStatus(await patch(voice.id, { video_quality_mode: 2 }), 200);
        const update = await waitFor(() => seen.find((e) => e.type === "CHANNEL_UPDATED" && (e.data as Channel).id === voice.id), { what: "CHANNEL_UPDATED" });
        expect(update.data).toEqual(updated);
        expect((update.data as Channel).video_quality_mode).toBe(2);
      } finally {
        await stop();
      }
    });
  });
}
