import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, gatewaySessions } from "../support/gateway";
import { type ApiClient, type GuildBody, createGuild, expectError, expectStatus, guildWith, joinAll, registerUsers, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { createTextChannel, overwriteMember } from "../support/message";
import { MODES, type TestServer, waitFor } from "../support/server";
import { type VoiceStateBody, createVoiceChannel, joinVoice, rejectedJoin, sendVoiceState, voiceStateOf } from "../support/voice";

/** Waits until `count` dispatches of `t` matching `filter` arrived. */
const waitForCount = (client: GatewayClient, t: string, filter: (d: any) => boolean, count: number) =>
  waitFor(() => client.dispatches(t).filter((frame) => filter(frame.d)).length >= count, { what: `${count} ${t}` });

for (const mode of MODES) {
  describe(`voice states through the gateway (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, member: TestUser, third: TestUser, outsider: TestUser;
    let guild: GuildBody;
    let general: { id: string };
    const sessions = gatewaySessions(() => server.url);
    const connect = sessions.connect;

    beforeAll(async () => {
      ({ server, api, users: [owner, member, third, outsider] } = await startGuildServer(mode, 4, { VOICE_STATE_TTL_MS: "1500" }));
      ({ guild } = await guildWith(api, owner, { members: [member, third] }));
      general = guild.channels.find((channel) => channel.type === 2)!;
    });

    afterAll(async () => {
      sessions.closeAll();
      await server?.stop();
    });

    test("joining dispatches the voice state to the guild, the server update to the session, and starts the call", async () => {
      const watcher = await connect(third);
      const { client } = await connect(owner);
      const server1 = await joinVoice(client, guild.id, general.id);
      expect(server1.endpoint).toMatch(/^ws:\/\/.+\/voice$/);
      expect(server1.token.length).toBeGreaterThanOrEqual(32);
      const state = await voiceStateOf(watcher.client, owner.user.id, (d) => d.channel_id === general.id);
      expect(state).toMatchObject({ guild_id: guild.id, self_mute: false, self_deaf: false, mute: false, deaf: false, suppress: false });
      const started = await watcher.client.dispatch("VOICE_CALL_STARTED", (d) => d.channel_id === general.id);
      expect(started.d.guild_id).toBe(guild.id);

      const second = await connect(member);
      await joinVoice(second.client, guild.id, general.id);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === general.id);
      // Both joins' events came in commit order: a second call start would have arrived before this state.
      expect(watcher.client.dispatches("VOICE_CALL_STARTED").filter((frame) => frame.d.channel_id === general.id)).toHaveLength(1);

      const listed = expectStatus(await api.get<VoiceStateBody[]>(`/guilds/${guild.id}/voice-states`, third), 200);
      expect(listed.map((entry) => entry.user_id).sort()).toEqual([owner.user.id, member.user.id].sort());
      expectError(await api.get(`/guilds/${guild.id}/voice-states`, outsider), 403, 50001);
      expectError(await api.get("/guilds/123456789012345678/voice-states", owner), 404, 10004);

      const late = await connect(third);
      const ready = late.ready as unknown as { voice_states: VoiceStateBody[] };
      expect(ready.voice_states.map((entry) => entry.user_id).sort()).toEqual([owner.user.id, member.user.id].sort());

      // Leaving: the last one out ends the call.
      sendVoiceState(second.client, guild.id, null);
      expect((await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null)).previous_channel_id).toBe(general.id);
      sendVoiceState(client, guild.id, null);
      await voiceStateOf(watcher.client, owner.user.id, (d) => d.channel_id === null);
      const ended = await watcher.client.dispatch("VOICE_CALL_ENDED", (d) => d.channel_id === general.id);
      expect(ended.d.id).toBe(started.d.id);
      expect(Date.parse(ended.d.ended_at)).toBeGreaterThanOrEqual(Date.parse(ended.d.started_at));
    });

    test("self mute changes the state without a new server update; switching channels leaves the first", async () => {
      const watcher = await connect(third);
      const { client } = await connect(member);
      const lounge = await createVoiceChannel(api, owner, guild.id, "Lounge");
      await joinVoice(client, guild.id, general.id);
      sendVoiceState(client, guild.id, general.id, { mute: true, deaf: true });
      const muted = await voiceStateOf(watcher.client, member.user.id, (d) => d.self_mute);
      expect(muted).toMatchObject({ channel_id: general.id, self_deaf: true });
      expect(client.dispatches("VOICE_SERVER_UPDATE")).toHaveLength(1);

      const moved = await joinVoice(client, guild.id, lounge.id);
      expect(moved.channel_id).toBe(lounge.id);
      const left = await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null);
      expect(left.previous_channel_id).toBe(general.id);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === lounge.id);
      await watcher.client.dispatch("VOICE_CALL_ENDED", (d) => d.channel_id === general.id);
      await watcher.client.dispatch("VOICE_CALL_STARTED", (d) => d.channel_id === lounge.id);
      sendVoiceState(client, guild.id, null);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null && d.previous_channel_id === lounge.id);
    });

    test("refusals: unknown, text, hidden and CONNECT-less channels, full channels, other guilds", async () => {
      const { client } = await connect(member);
      const text = await createTextChannel(api, owner, guild.id, "texty");
      expect(await rejectedJoin(client, guild.id, text.id)).toMatchObject({ status: 400, code: 50035 });
      expect(await rejectedJoin(client, guild.id, "123456789012345678")).toMatchObject({ status: 404, code: 10003 });

      const hidden = await createVoiceChannel(api, owner, guild.id, "Hidden");
      await overwriteMember(api, owner, hidden.id, member.user.id, { deny: ["VIEW_CHANNEL"] });
      expect(await rejectedJoin(client, guild.id, hidden.id)).toMatchObject({ status: 403, code: 50001 });

      const locked = await createVoiceChannel(api, owner, guild.id, "Locked");
      await overwriteMember(api, owner, locked.id, member.user.id, { deny: ["CONNECT"] });
      expect(await rejectedJoin(client, guild.id, locked.id)).toMatchObject({ status: 403, code: 50013 });

      const other = await createGuild(api, outsider, "Elsewhere");
      const otherVoice = other.channels.find((channel) => channel.type === 2)!;
      expect(await rejectedJoin(client, guild.id, otherVoice.id)).toMatchObject({ status: 404, code: 10003 });
      expect(await rejectedJoin(client, other.id, otherVoice.id)).toMatchObject({ status: 403, code: 50001 });

      const small = await createVoiceChannel(api, owner, guild.id, "Duo", 1);
      const first = await connect(third);
      await joinVoice(first.client, guild.id, small.id);
      expect(await rejectedJoin(client, guild.id, small.id)).toMatchObject({ status: 400, code: 30001 });
      // MOVE_MEMBERS (the owner has every permission) may join a full channel.
      const boss = await connect(owner);
      await joinVoice(boss.client, guild.id, small.id);
      sendVoiceState(first.client, guild.id, null);
      sendVoiceState(boss.client, guild.id, null);
      await voiceStateOf(boss.client, owner.user.id, (d) => d.channel_id === null);
    });

    test("without SPEAK a member joins suppressed", async () => {
      const quiet = await createVoiceChannel(api, owner, guild.id, "Quiet");
      await overwriteMember(api, owner, quiet.id, member.user.id, { deny: ["SPEAK"] });
      const { client } = await connect(member);
      await joinVoice(client, guild.id, quiet.id);
      expect((await voiceStateOf(client, member.user.id, (d) => d.channel_id === quiet.id)).suppress).toBe(true);
      sendVoiceState(client, guild.id, null);
      await voiceStateOf(client, member.user.id, (d) => d.channel_id === null);
    });

    test("server mute and deafen need their permissions, stick across calls, and disconnect needs MOVE_MEMBERS", async () => {
      const watcher = await connect(third);
      const { client } = await connect(member);
      await joinVoice(client, guild.id, general.id);
      const path = `/guilds/${guild.id}/voice-states/${member.user.id}`;
      expectError(await api.patch(path, third, { mute: true }), 403, 50013);
      expectError(await api.patch(path, third, { channel_id: null }), 403, 50013);
      expectError(await api.patch(path, outsider, { mute: true }), 403, 50001);
      expectError(await api.patch(`/guilds/${guild.id}/voice-states/${outsider.user.id}`, owner, { mute: true }), 404, 10007);
      expectError(await api.patch(path, owner, { mute: "yes" }), 400, 50035);

      const body = expectStatus(await api.patch(path, owner, { mute: true, deaf: true }), 200);
      expect(body).toEqual({ guild_id: guild.id, user_id: member.user.id, channel_id: general.id, mute: true, deaf: true });
      await voiceStateOf(watcher.client, member.user.id, (d) => d.mute && d.deaf);

      sendVoiceState(client, guild.id, null);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null);
      await joinVoice(client, guild.id, general.id);
      // The rejoin's state is the latest one about the member: it must carry the moderation.
      await waitForCount(watcher.client, "VOICE_STATE_UPDATE", (d) => d.user_id === member.user.id, 4);
      const latest = watcher.client.dispatches("VOICE_STATE_UPDATE").filter((frame) => frame.d.user_id === member.user.id).at(-1)!;
      expect(latest.d).toMatchObject({ channel_id: general.id, mute: true, deaf: true });

      expectStatus(await api.patch(path, owner, { mute: false, deaf: false }), 200);
      await voiceStateOf(watcher.client, member.user.id, (d) => !d.mute && !d.deaf && d.channel_id === general.id);
      const kicked = expectStatus(await api.patch<{ channel_id: string | null }>(path, owner, { channel_id: null }, { "X-Audit-Log-Reason": "afk" }), 200);
      expect(kicked.channel_id).toBeNull();
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null);
      // Each moderation is in the audit log: mute and deafen as MEMBER_UPDATE (24), the disconnect as MEMBER_DISCONNECT (27).
      type Entries = { audit_log_entries: Array<{ action_type: number; target_id: string | null; changes?: unknown[]; options?: unknown; reason?: string }> };
      const log = expectStatus(await api.get<Entries>(`/guilds/${guild.id}/audit-logs`, owner), 200).audit_log_entries;
      expect(log.filter((entry) => entry.action_type === 24 && entry.target_id === member.user.id).map((entry) => entry.changes).slice(0, 2)).toEqual([
        [{ key: "mute", old_value: true, new_value: false }, { key: "deaf", old_value: true, new_value: false }],
        [{ key: "mute", old_value: false, new_value: true }, { key: "deaf", old_value: false, new_value: true }],
      ]);
      expect(log.find((entry) => entry.action_type === 27)).toMatchObject({ target_id: null, options: { count: "1" }, reason: "afk" });
    });

    test("Discord's member PATCH mutes, deafens and disconnects through the same moderation, with the same permissions", async () => {
      const watcher = await connect(third);
      const { client } = await connect(member);
      await joinVoice(client, guild.id, general.id);
      const path = `/guilds/${guild.id}/members/${member.user.id}`;
      // Refused as the voice-states route refuses it, and nothing else of the PATCH is written meanwhile.
      expectError(await api.patch(path, third, { mute: true }), 403, 50013);
      expectError(await api.patch(path, owner, { channel_id: general.id }), 400, 50035);
      expectError(await api.patch(path, owner, { communication_disabled_until: "2030-01-01T00:00:00.000Z" }), 400, 50035);

      const muted = expectStatus(await api.patch<{ user: { id: string } }>(path, owner, { mute: true, deaf: true, flags: 0, communication_disabled_until: null }), 200);
      expect(muted.user.id).toBe(member.user.id);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.mute && d.deaf && d.channel_id === general.id);
      expectStatus(await api.patch(path, owner, { mute: false, deaf: false }), 200);
      await voiceStateOf(watcher.client, member.user.id, (d) => !d.mute && !d.deaf && d.channel_id === general.id);
      expectStatus(await api.patch(path, owner, { channel_id: null }), 200);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null);
    });

    test("a member removed from the guild leaves its voice channel", async () => {
      const [leaver] = await registerUsers(server, 1);
      await joinAll(api, owner, guild, [leaver]);
      const watcher = await connect(third);
      const { client } = await connect(leaver);
      await joinVoice(client, guild.id, general.id);
      await voiceStateOf(watcher.client, leaver.user.id, (d) => d.channel_id === general.id);
      expectStatus(await api.delete(`/guilds/${guild.id}/members/${leaver.user.id}`, owner), 204);
      await voiceStateOf(watcher.client, leaver.user.id, (d) => d.channel_id === null);
    });

    test("op 4 with the `self_video` Discord's client adds is accepted; the camera state is the voice socket's, not op 4's", async () => {
      const [camera] = await registerUsers(server, 1);
      await joinAll(api, owner, guild, [camera]);
      const watcher = await connect(third);
      const { client } = await connect(camera);
      client.send({ op: 4, d: { guild_id: guild.id, channel_id: general.id, self_mute: false, self_deaf: false, self_video: true } });
      await client.dispatch("VOICE_SERVER_UPDATE", (d) => d.channel_id === general.id);
      expect(await voiceStateOf(watcher.client, camera.user.id, (d) => d.channel_id === general.id)).toMatchObject({ self_video: false });
      client.send({ op: 4, d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false, self_video: "yes" } });
      expect(await client.closed()).toMatchObject({ code: 4002 });
    });

    test("a voice state nobody connects to expires (VOICE_STATE_TTL_MS) and the call ends", async () => {
      const watcher = await connect(third);
      const ghostChannel = await createVoiceChannel(api, owner, guild.id, "Ghost");
      const { client } = await connect(member);
      await joinVoice(client, guild.id, ghostChannel.id);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === ghostChannel.id);
      await voiceStateOf(watcher.client, member.user.id, (d) => d.channel_id === null && d.previous_channel_id === ghostChannel.id);
      await watcher.client.dispatch("VOICE_CALL_ENDED", (d) => d.channel_id === ghostChannel.id);
    });
  });
}
