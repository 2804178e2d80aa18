import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ApiClient, type ChannelBody, type GuildBody, createGuild, expectError, expectStatus, startGuildServer } from "../support/guild";
import { fieldErrorCodes } from "../support/errors";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

/**
 * Discord's documented request fields that XCord has no feature for are accepted and ignored (issue 14, item 4), so
 * bots sending them work; a value of the wrong type, and a field Discord does not document, are still 400.
 */
for (const mode of MODES) {
  describe(`Discord's request fields (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    let guild: GuildBody;

    beforeAll(async () => {
      ({ server, api, users: [owner] } = await startGuildServer(mode, 1));
      guild = await createGuild(api, owner);
    });

    afterAll(async () => {
      await server?.stop();
    });

    test("guild create and modify take Discord's settings, and apply the ones XCord has", async () => {
      const created = expectStatus(
        await api.post<GuildBody>("/guilds", owner, { name: "Discordish", region: null, verification_level: 1, default_message_notifications: 1, explicit_content_filter: 2, roles: [], channels: [], system_channel_flags: 0 }),
        201,
      );
      expect(created.name).toBe("Discordish");
      const modified = expectStatus(await api.patch<GuildBody>(`/guilds/${created.id}`, owner, { name: "Renamed", preferred_locale: "en-US", afk_timeout: 300, features: [], description: null }), 200);
      expect(modified.name).toBe("Renamed");
      expect(modified).not.toHaveProperty("preferred_locale");
    });

    test("channel create, modify and reorder take Discord's settings", async () => {
      const channel = expectStatus(
        await api.post<ChannelBody>(`/guilds/${guild.id}/channels`, owner, { name: "bots", type: 0, nsfw: false, rate_limit_per_user: 0, default_auto_archive_duration: 1440, available_tags: [] }),
        201,
      );
      const voice = expectStatus(await api.post<ChannelBody & { bitrate: number }>(`/guilds/${guild.id}/channels`, owner, { name: "Lounge", type: 2, bitrate: 96000, rtc_region: null, video_quality_mode: 1 }), 201);
      expect(voice.bitrate).toBe(64000);
      const modified = expectStatus(await api.patch<ChannelBody>(`/channels/${channel.id}`, owner, { topic: "bots only", nsfw: true, flags: 0 }), 200);
      expect(modified.topic).toBe("bots only");
      expectStatus(await api.patch(`/guilds/${guild.id}/channels`, owner, [{ id: channel.id, position: 0, lock_permissions: true }]), 204);
    });

    test("roles and invites take Discord's fields", async () => {
      const role = expectStatus(await api.post<{ name: string }>(`/guilds/${guild.id}/roles`, owner, { name: "Helpers", unicode_emoji: null, icon: null }), 201);
      expect(role.name).toBe("Helpers");
      const general = guild.channels.find((channel) => channel.name === "general")!;
      const invite = expectStatus(await api.post<{ code: string }>(`/channels/${general.id}/invites`, owner, { max_age: 60, temporary: false, unique: true }), 201);
      expect(invite.code).toBeString();
    });

    test("a Discord field of the wrong type, and a field Discord does not know, are still refused", async () => {
      const wrongType = await api.post(`/guilds/${guild.id}/channels`, owner, { name: "x", nsfw: "yes" });
      expectError(wrongType, 400, 50035);
      expect(fieldErrorCodes(wrongType.body)).toEqual({ nsfw: "BOOLEAN_TYPE_COERCE" });
      const unknown = await api.post(`/guilds/${guild.id}/channels`, owner, { name: "x", not_a_discord_field: 1 });
      expect(fieldErrorCodes(unknown.body)).toEqual({ not_a_discord_field: "UNKNOWN_FIELD" });
    });
  });
}
