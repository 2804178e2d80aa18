import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type GatewayClient, identify } from "../support/gateway";
import { type ApiClient, type GuildBody, apiClient, createGuild, joinAll, registerUsers } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { MODES, type TestServer, startServer, waitFor } from "../support/server";
import { type VoiceServerUpdate, connectSignaling, joinVoice, rejectedJoin, sendVoiceState, voiceStateOf } from "../support/voice";

const ready = async (server: TestServer) => (await (await server.request("/ready")).json()) as { checks: { sfu: { status: string; detail: string } } };

for (const mode of MODES) {
  describe(`voice signaling socket (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser, member: TestUser;
    let guild: GuildBody;
    let voiceChannelId: string;
    const clients: GatewayClient[] = [];
    const join = async (user: TestUser): Promise<{ client: GatewayClient; update: VoiceServerUpdate }> => {
      const { client } = await identify(server.url, user.access_token);
      clients.push(client);
      return { client, update: await joinVoice(client, guild.id, voiceChannelId) };
    };

    beforeAll(async () => {
      server = await startServer(mode, identityEnv(mode, { MEDIASOUP_WORKERS: "1" }));
      api = apiClient(server);
      [owner, member] = await registerUsers(server, 2);
      guild = await createGuild(api, owner);
      await joinAll(api, owner, guild, [member]);
      voiceChannelId = guild.channels.find((channel) => channel.type === 2)!.id;
    });

    afterAll(async () => {
      for (const client of clients) client.close();
      await server?.stop();
    });

    test("identify gives the router's capabilities and the participants; transports come back with ICE and DTLS parameters", async () => {
      const first = await join(owner);
      const second = await join(member);
      const a = await connectSignaling(first.update.endpoint);
      const identified = await a.request("identify", { token: first.update.token });
      expect(identified.ok).toBe(true);
      expect(identified.data).toMatchObject({ user_id: owner.user.id, guild_id: guild.id, channel_id: voiceChannelId });
      expect(identified.data.rtp_capabilities.codecs[0].mimeType).toBe("audio/opus");
      expect(identified.data.participants.map((p: { user_id: string }) => p.user_id)).toEqual([owner.user.id]);
      expect((await ready(server)).checks.sfu.detail).toContain("1 rooms");

      const b = await connectSignaling(second.update.endpoint);
      expect((await b.request("identify", { token: second.update.token })).data.participants).toHaveLength(2);
      expect(await a.notification("participant_joined")).toMatchObject({ user_id: member.user.id, producing: false, mute: false });

      const send = await a.request("create_transport", { direction: "send" });
      expect(send.ok).toBe(true);
      expect(send.data.transport.iceCandidates.length).toBeGreaterThan(0);
      expect(send.data.transport.iceCandidates[0].address).toBe("127.0.0.1");
      expect(send.data.transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
      expect((await a.request("create_transport", { direction: "send" })).error).toMatchObject({ status: 400 });
      // Bad client input is a 400 answer, never a crash: malformed RTP parameters, someone else's transport, no SPEAK.
      expect((await a.request("produce", { transport_id: send.data.transport.id, kind: "audio", rtp_parameters: { codecs: "nope" } })).error).toMatchObject({ status: 400 });
      expect((await a.request("connect_transport", { transport_id: "not-mine", dtls_parameters: {} })).error).toMatchObject({ status: 400 });
      expect((await a.request("produce", { transport_id: send.data.transport.id, kind: "video", rtp_parameters: {} })).error).toMatchObject({ status: 400, code: 50035 });
      expect((await a.request("resume_consumer", { consumer_id: "nope" })).error).toMatchObject({ status: 404 });
      expect((await a.request("consume", { rtp_capabilities: {} })).error).toMatchObject({ status: 400 });
      expect((await a.request("teleport", {})).error).toMatchObject({ status: 400, code: 50035 });
      a.sendRaw(JSON.stringify({ id: 99, method: "identify", data: { token: first.update.token } }));
      expect((await a.closed()).code).toBe(4005);

      // Leaving through the gateway ends the voice connection (4006); the room closes with its last participant.
      sendVoiceState(second.client, guild.id, null);
      expect((await b.closed()).code).toBe(4006);
      await waitFor(async () => (await ready(server)).checks.sfu.detail.includes("0 rooms"), { what: "the room to close" });
      sendVoiceState(first.client, guild.id, null);
      await voiceStateOf(first.client, owner.user.id, (d) => d.channel_id === null);
    });

    test("the only participant connecting again keeps a working room: the old socket is replaced, the new one gets transports", async () => {
      const first = await join(owner);
      const a = await connectSignaling(first.update.endpoint);
      expect((await a.request("identify", { token: first.update.token })).ok).toBe(true);
      // A client whose signaling socket dropped (or that thinks so) connects again with the same token (docs/voice.md).
      const b = await connectSignaling(first.update.endpoint);
      const identified = await b.request("identify", { token: first.update.token });
      expect(identified.ok).toBe(true);
      expect(identified.data.participants.map((p: { user_id: string }) => p.user_id)).toEqual([owner.user.id]);
      expect(await a.closed()).toMatchObject({ code: 4006, reason: "Connected again elsewhere" });
      expect((await b.request("create_transport", { direction: "send" })).ok).toBe(true);
      expect((await ready(server)).checks.sfu.detail).toContain("1 rooms");
      sendVoiceState(first.client, guild.id, null);
      expect((await b.closed()).code).toBe(4006);
      await waitFor(async () => (await ready(server)).checks.sfu.detail.includes("0 rooms"), { what: "the room to close" });
    });

    test("the socket refuses what is not a live voice state: bad tokens, methods before identify, garbage", async () => {
      const { update, client } = await join(member);
      const forged = await connectSignaling(update.endpoint);
      forged.sendRaw(JSON.stringify({ id: 1, method: "identify", data: { token: "x".repeat(43) } }));
      expect((await forged.closed()).code).toBe(4004);

      const early = await connectSignaling(update.endpoint);
      early.sendRaw(JSON.stringify({ id: 1, method: "create_transport", data: { direction: "send" } }));
      expect((await early.closed()).code).toBe(4003);

      for (const garbage of ["not json", JSON.stringify({ id: "1", method: "ping" }), JSON.stringify([1, 2]), JSON.stringify({ id: 1, method: "ping", extra: 1 })]) {
        const socket = await connectSignaling(update.endpoint);
        socket.sendRaw(garbage);
        expect((await socket.closed()).code).toBe(4002);
      }
      const huge = await connectSignaling(update.endpoint);
      huge.sendRaw(JSON.stringify({ id: 1, method: "identify", data: { token: "y".repeat(20_000) } }));
      expect([1009, 4002]).toContain((await huge.closed()).code);

      const flood = await connectSignaling(update.endpoint);
      expect((await flood.request("identify", { token: update.token })).ok).toBe(true);
      for (let i = 0; i < 120; i++) flood.sendRaw(JSON.stringify({ id: 100 + i, method: "ping", data: {} }));
      expect((await flood.closed()).code).toBe(4008);

      // After leaving, the token is worthless: the voice state it named is gone.
      sendVoiceState(client, guild.id, null);
      await voiceStateOf(client, member.user.id, (d) => d.channel_id === null);
      const stale = await connectSignaling(update.endpoint);
      stale.sendRaw(JSON.stringify({ id: 1, method: "identify", data: { token: update.token } }));
      expect((await stale.closed()).code).toBe(4004);
    });

    test("logging out (revoking the session) ends the voice state and closes the voice socket", async () => {
      const [leaver] = await registerUsers(server, 1);
      await joinAll(api, owner, guild, [leaver]);
      const { update } = await join(leaver);
      const socket = await connectSignaling(update.endpoint);
      expect((await socket.request("identify", { token: update.token })).ok).toBe(true);
      const { client: watcher } = await identify(server.url, owner.access_token);
      clients.push(watcher);
      expect((await server.request("/api/v1/auth/logout", { method: "POST", token: leaver.access_token, json: { refresh_token: leaver.refresh_token } })).status).toBe(204);
      expect((await socket.closed()).code).toBe(4006);
      await voiceStateOf(watcher, leaver.user.id, (d) => d.channel_id === null);
      const again = await connectSignaling(update.endpoint);
      again.sendRaw(JSON.stringify({ id: 1, method: "identify", data: { token: update.token } }));
      expect((await again.closed()).code).toBe(4004);
    });

    test("deleting the guild ends its voice rooms: the voice socket closes (4006)", async () => {
      const [host] = await registerUsers(server, 1);
      const doomed = await createGuild(api, host);
      const { client } = await identify(server.url, host.access_token);
      clients.push(client);
      const update = await joinVoice(client, doomed.id, doomed.channels.find((channel) => channel.type === 2)!.id);
      const socket = await connectSignaling(update.endpoint);
      expect((await socket.request("identify", { token: update.token })).ok).toBe(true);
      expect((await api.delete(`/guilds/${doomed.id}`, host)).status).toBe(204);
      expect(await socket.closed()).toMatchObject({ code: 4006, reason: "Guild deleted" });
    });

    test("a media worker that dies is restarted, and its rooms' clients are told to reconnect", async () => {
      const { update, client } = await join(owner);
      const socket = await connectSignaling(update.endpoint);
      expect((await socket.request("identify", { token: update.token })).ok).toBe(true);
      const sfu = server.app.sfu!;
      const [pid] = sfu.workerPids();
      process.kill(pid!, "SIGKILL");
      expect(await socket.notification("reconnect")).toHaveProperty("reason");
      expect((await socket.closed()).code).toBe(4015);
      await waitFor(() => sfu.workerPids().length === 1 && sfu.workerPids()[0] !== pid, { what: "the worker to restart", timeoutMs: 10_000 });
      await waitFor(async () => (await ready(server)).checks.sfu.status === "up", { what: "the SFU to be ready" });
      const again = await connectSignaling(update.endpoint);
      const identified = await again.request("identify", { token: update.token });
      expect(identified.ok).toBe(true);
      expect(identified.data.participants).toHaveLength(1);
      again.close();
      sendVoiceState(client, guild.id, null);
      await voiceStateOf(client, owner.user.id, (d) => d.channel_id === null);
    });
  });
}

describe("a node without a media worker", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(MODES[0]!, { MEDIASOUP_WORKERS: "0" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  test("still serves chat, says so in /ready, refuses joins with 503 and answers /voice with 503", async () => {
    const body = await ready(server);
    expect(body.checks.sfu.status).toBe("unavailable");
    expect((await server.request("/ready")).status).toBe(200);
    const api = apiClient(server);
    const [owner] = await registerUsers(server, 1);
    const guild = await createGuild(api, owner);
    const { client } = await identify(server.url, owner.access_token);
    const voiceChannel = guild.channels.find((channel) => channel.type === 2)!;
    expect(await rejectedJoin(client, guild.id, voiceChannel.id)).toMatchObject({ status: 503 });
    client.close();
    const upgrade = await fetch(`${server.url}/voice`, { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
    expect(upgrade.status).toBe(503);
  });
});
