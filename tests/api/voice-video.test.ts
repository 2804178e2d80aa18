/**
 * Camera video end to end, in real browsers: two headless Chromium pages join the guild's `General` voice channel;
 * the owner's page sends Chromium's fake camera in three simulcast layers, the member's page decodes it at the layer
 * the SFU forwards, asks for the lowest layer and sees its decoded resolution drop to it, pauses the consumer (frames
 * stop), and the gateway carries the owner's `self_video`. Refusals: video without STREAM, too many encodings, bad
 * RTP parameters. Every wait is on a condition (stats, events), bounded by MEDIA_TIMEOUT_MS.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { type GuildBody, apiClient, createGuild, expectStatus, joinAll, registerUsers, setEveryone } from "../support/guild";
import { type TestUser, identityEnv } from "../support/identity";
import { type TestServer, modeNamed, startServer, waitFor } from "../support/server";
import {
  CHROMIUM,
  type CameraOptions,
  type InboundVideo,
  type VoiceBrowser,
  type VoicePage,
  type VoicePageEvent,
  launchVoiceBrowser,
} from "../support/voice-browser/voice-browser";
import { DEFAULT_EVERYONE_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";

const mode = modeNamed("postgres+redis");

/** Media needs a few seconds on a loaded 2-core machine; every wait is still bounded. */
const MEDIA_TIMEOUT_MS = 30_000;

/**
 * 960×540 in three layers (240×135, 480×270, 960×540: the smallest size Chromium sends three layers of), at 15 fps
 * to spare the shared CPU.
 */
const CAMERA: CameraOptions = {
  width: 960,
  height: 540,
  frameRate: 15,
  encodings: [
    { rid: "r0", scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: "L1T3" },
    { rid: "r1", scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: "L1T3" },
    { rid: "r2", scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: "L1T3" },
  ],
};

/** VP8 RTP parameters as mediasoup-client would send them, for requests made by hand. */
const vp8Parameters = (encodings: unknown[]) => ({
  mid: "9",
  codecs: [{ mimeType: "video/VP8", payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: "nack" }] }],
  headerExtensions: [{ uri: "urn:ietf:params:rtp-hdrext:sdes:mid", id: 4 }],
  encodings,
  rtcp: { cname: "by-hand", reducedSize: true },
});

describe("camera video with simulcast in two real browsers (postgres+redis)", () => {
  let server: TestServer;
  let voice: VoiceBrowser | undefined;
  let owner: TestUser;
  let member: TestUser;
  let guild: GuildBody;
  let channelId: string;
  let ownerPage: VoicePage;
  let memberPage: VoicePage;
  /** Measured along the way, printed at the end. */
  const measured: Record<string, number> = {};
  const api = () => apiClient(server);

  const eventsOf = async (page: VoicePage, name: string, match: (data: any) => boolean = () => true, from = 0): Promise<VoicePageEvent[]> =>
    (await page.events()).slice(from).filter((event) => event.name === name && match(event.data));

  const waitForEvent = (page: VoicePage, name: string, match: (data: any) => boolean, what: string, from = 0) =>
    waitFor(async () => (await eventsOf(page, name, match, from))[0], { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 100, what });

  /** The member's page decoding the owner's camera, once `ready` holds. */
  const memberDecodes = (ready: (video: InboundVideo) => boolean, what: string) =>
    waitFor(
      async () => {
        const video = await memberPage.inboundVideo(owner.user.id);
        return video && ready(video) ? video : undefined;
      },
      { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 100, what },
    );

  /** The width the owner's camera sends in simulcast layer `spatial` (its encoding's outbound-rtp frameWidth). */
  const sentWidth = async (spatial: number): Promise<number> => {
    const rid = CAMERA.encodings[spatial]!.rid;
    return (await ownerPage.outboundVideo()).find((layer) => layer.rid === rid)?.frameWidth ?? 0;
  };

  /** The layers the SFU forwards on the member's video consumer, from the latest consumer_layers. */
  const forwardedLayers = async (consumerId: string): Promise<{ spatial_layer: number; temporal_layer: number } | null> => {
    const changes = await eventsOf(memberPage, "consumer_layers", (d) => d.consumer_id === consumerId);
    return changes.at(-1)?.data.layers ?? null;
  };

  const diagnose = async (error: unknown): Promise<never> => {
    for (const [name, page] of [
      ["owner", ownerPage],
      ["member", memberPage],
    ] as const) {
      if (!page) continue;
      const state = await page.state().catch((cause: unknown) => ({ unavailable: String(cause) }));
      const events = await page.events().catch(() => []);
      console.error(`${name} page state: ${JSON.stringify(state)}`);
      const lines = events.filter((event) => event.name !== "speaking").map((event) => `${event.at} ${event.source}:${event.name} ${JSON.stringify(event.data).slice(0, 300)}`);
      console.error(`${name} page events:\n${lines.slice(-60).join("\n")}`);
      console.error(`${name} page console:\n${page.console.slice(-20).join("\n")}`);
    }
    console.error(`server log (last 30):\n${server.logs.slice(-30).join("\n")}`);
    throw error;
  };
  const step = <T>(run: () => Promise<T>): Promise<T> => run().catch(diagnose);

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true);
    server = await startServer(mode, identityEnv(mode, { MEDIASOUP_WORKERS: "1", MEDIASOUP_LISTEN_IP: "127.0.0.1", VOICE_STATS_INTERVAL_MS: "1000" }));
    [owner, member] = await registerUsers(server, 2);
    guild = await createGuild(api(), owner, "Video E2E");
    await joinAll(api(), owner, guild, [member]);
    // Members may talk but not send video; the owner holds every permission, STREAM included.
    await setEveryone(api(), owner, guild.id, DEFAULT_EVERYONE_PERMISSIONS & ~Permission.STREAM);
    const general = guild.channels.find((channel) => channel.type === 2 && channel.name === "General");
    if (!general) throw new Error(`the new guild has no General voice channel: ${JSON.stringify(guild.channels)}`);
    channelId = general.id;
    voice = await launchVoiceBrowser();
    [ownerPage, memberPage] = [await voice.openPage(), await voice.openPage()];
    const joinOptions = (user: TestUser) => ({ gatewayUrl: `${server.url.replace(/^http/, "ws")}/gateway`, token: user.access_token, guildId: guild.id, channelId });
    await ownerPage.join(joinOptions(owner));
    await memberPage.join(joinOptions(member));
  }, 90_000);

  afterAll(async () => {
    if (Object.keys(measured).length > 0) console.info(`voice video measurements: ${JSON.stringify(measured)}`);
    await voice?.close();
    await server?.stop();
  }, 30_000);

  test("refusals: video without STREAM (403), more than three encodings and out-of-range parameters (400)", () =>
    step(async () => {
      // The transport ids are the page's own; a raw produce on them goes through the same checks as the client's.
      const transportId = async (page: VoicePage) => ((await page.state()) as { sendTransportId?: string }).sendTransportId!;
      const layers = (n: number) => Array.from({ length: n }, (_, i) => ({ rid: `r${i}`, scalabilityMode: "L1T3" }));

      const noStream = await memberPage.request("produce", { transport_id: await transportId(memberPage), kind: "video", rtp_parameters: vp8Parameters(layers(3)) });
      expect(noStream).toEqual({ ok: false, error: { status: 403, code: 50013, message: "Missing Permissions: STREAM" } });

      const ownerTransport = await transportId(ownerPage);
      const tooMany = await ownerPage.request("produce", { transport_id: ownerTransport, kind: "video", rtp_parameters: vp8Parameters(layers(4)) });
      expect(tooMany).toEqual({ ok: false, error: { status: 400, code: 50035, message: "video takes at most 3 encodings (got 4)" } });

      const tooFast = vp8Parameters([{ rid: "r0", maxBitrate: 50_000_000 }]);
      expect(await ownerPage.request("produce", { transport_id: ownerTransport, kind: "video", rtp_parameters: tooFast })).toEqual({
        ok: false,
        error: { status: 400, code: 50035, message: expect.stringContaining("maxBitrate") },
      });
      const badSsrc = vp8Parameters([{ ssrc: 2 ** 32 }]);
      expect(await ownerPage.request("produce", { transport_id: ownerTransport, kind: "video", rtp_parameters: badSsrc })).toEqual({
        ok: false,
        error: { status: 400, code: 50035, message: expect.stringContaining("ssrc") },
      });
      const opusAsVideo = { ...vp8Parameters([{ ssrc: 5 }]), codecs: [{ mimeType: "audio/opus", payloadType: 111, clockRate: 48000, channels: 2 }] };
      expect(await ownerPage.request("produce", { transport_id: ownerTransport, kind: "video", rtp_parameters: opusAsVideo })).toEqual({
        ok: false,
        error: { status: 400, code: 50035, message: expect.stringContaining("not a codec of kind video") },
      });
      expect(await ownerPage.request("produce", { transport_id: ownerTransport, kind: "screen", rtp_parameters: vp8Parameters(layers(1)) })).toEqual({
        ok: false,
        error: { status: 400, code: 50035, message: "Invalid data for produce" },
      });
      // Nothing of that reached the room: no video consumer was announced to anyone.
      expect(await eventsOf(memberPage, "consumer_new", (d) => d.kind === "video")).toEqual([]);
    }), 60_000);

  test("the owner's three-layer camera is decoded on the member's page at the layer the SFU forwards", () =>
    step(async () => {
      const startedAt = Date.now();
      const { producerId } = await ownerPage.startCamera(CAMERA);
      const announced = await waitForEvent(memberPage, "consumer_new", (d) => d.kind === "video" && d.producer_id === producerId, "consumer_new of the owner's camera");
      expect(announced.data.user_id).toBe(owner.user.id);
      expect(announced.data.rtp_parameters.codecs[0].mimeType).toBe("video/VP8");
      const first = await memberDecodes((video) => video.framesDecoded > 0, "the first decoded frame of the owner's camera");
      measured.firstFrameMs = Date.now() - startedAt;
      expect(first.consumerId).toBe(announced.data.consumer_id);

      // The owner's camera really sends three layers, each a quarter / half / the whole of 960 wide (unless
      // Chromium scaled the capture down for CPU: then all three shrink alike, and the checks below compare
      // against what is sent, not a constant).
      const widths = await waitFor(
        async () => {
          const sent = await Promise.all([0, 1, 2].map(sentWidth));
          return sent.every((width) => width > 0) ? sent : undefined;
        },
        { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 200, what: "the owner's three layers to be sent" },
      );
      expect(widths[0]!).toBeLessThan(widths[1]!);
      expect(widths[1]!).toBeLessThan(widths[2]!);

      // The SFU starts at a layer its estimate of the member's downlink allows and climbs as the estimate grows, up
      // to the preferred layers (by default the highest): the member ends up decoding a layer above the lowest, at
      // the width the owner sends that layer. (How high it gets depends on the shared machine's CPU: Chromium drops
      // its top layer when it cannot encode it in time, so the top layer is measured, not required.)
      const consumerId = announced.data.consumer_id as string;
      const firstLayers = (await eventsOf(memberPage, "consumer_layers", (d) => d.consumer_id === consumerId))[0];
      if (firstLayers) measured.startSpatialLayer = firstLayers.data.layers?.spatial_layer ?? -1;
      const climbed = await waitFor(
        async () => {
          const layers = await forwardedLayers(consumerId);
          const video = await memberPage.inboundVideo(owner.user.id);
          return layers && layers.spatial_layer >= 1 && video && video.frameWidth === (await sentWidth(layers.spatial_layer)) ? layers : undefined;
        },
        { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 200, what: "the member to decode a layer above the lowest at the width the owner sends it" },
      );
      measured.climbedToSpatialLayer = climbed.spatial_layer;
      measured.climbMs = Date.now() - startedAt;

      // stats: the owner's camera as it reaches the server, and the member's consumer with its score and layers.
      const stats = await waitForEvent(
        memberPage,
        "stats",
        (d) =>
          d.participants.some((entry: any) => entry.user_id === owner.user.id && entry.kind === "video" && entry.packets > 0) &&
          d.consumers.some((entry: any) => entry.consumer_id === consumerId && entry.layers !== null),
        "stats with the owner's video and the member's video consumer",
      );
      const entry = stats.data.consumers.find((candidate: any) => candidate.consumer_id === consumerId);
      expect(entry).toEqual({
        consumer_id: consumerId,
        user_id: owner.user.id,
        kind: "video",
        paused: false,
        score: expect.any(Number),
        producer_score: expect.any(Number),
        layers: { spatial_layer: expect.any(Number), temporal_layer: expect.any(Number) },
        preferred_layers: { spatial_layer: 2, temporal_layer: 2 },
      });
    }), 90_000);

  test("self_video: the gateway tells the member (VOICE_STATE_UPDATE) and REST lists it", () =>
    step(async () => {
      const update = await waitForEvent(memberPage, "VOICE_STATE_UPDATE", (d) => d.user_id === owner.user.id && d.self_video === true, "the owner's self_video on the gateway");
      expect(update.data).toMatchObject({ channel_id: channelId, self_mute: false, self_deaf: false });
      await waitForEvent(memberPage, "participant_updated", (d) => d.user_id === owner.user.id && d.self_video === true, "participant_updated with self_video");
      const states = expectStatus(await api().get<Array<{ user_id: string; self_video: boolean }>>(`/guilds/${guild.id}/voice-states`, member), 200);
      expect(states.find((state) => state.user_id === owner.user.id)?.self_video).toBe(true);
      expect(states.find((state) => state.user_id === member.user.id)?.self_video).toBe(false);
    }), 60_000);

  test("set_preferred_layers to the lowest layer: the decoded resolution drops to it", () =>
    step(async () => {
      const consumerId = (await memberPage.inboundVideo(owner.user.id))!.consumerId;
      const lowest = await sentWidth(0);
      // Above the lowest layer until now (the estimate may dip for a moment on a busy machine: wait it out).
      await memberDecodes((video) => video.frameWidth > lowest, "the decoded width to be above the lowest layer's");
      const askedAt = Date.now();
      expect(await memberPage.request("set_preferred_layers", { consumer_id: consumerId, spatial_layer: 0, temporal_layer: 2 })).toEqual({ ok: true, data: {} });
      await memberDecodes((video) => video.frameWidth === lowest, `the decoded width to drop to the lowest layer's ${lowest}`);
      measured.layerSwitchMs = Date.now() - askedAt;
      await waitForEvent(memberPage, "consumer_layers", (d) => d.consumer_id === consumerId && d.layers?.spatial_layer === 0, "consumer_layers at spatial layer 0");

      // Audio consumers have no layers, unknown consumers are unknown.
      const [audio] = await eventsOf(memberPage, "consumer_new", (d) => d.kind === "audio" && d.user_id === owner.user.id);
      expect(await memberPage.request("set_preferred_layers", { consumer_id: audio!.data.consumer_id, spatial_layer: 0 })).toEqual({
        ok: false,
        error: { status: 400, code: 50035, message: "Layers apply to video consumers only" },
      });
      expect(await memberPage.request("set_preferred_layers", { consumer_id: "nope", spatial_layer: 0 })).toEqual({
        ok: false,
        error: { status: 404, code: 0, message: "Unknown consumer" },
      });
      expect((await memberPage.request("set_preferred_layers", { consumer_id: consumerId, spatial_layer: 3 })).ok).toBe(false);
    }), 60_000);

  test("pause_consumer stops the frames of a tile nobody sees; resume_consumer brings them back", () =>
    step(async () => {
      const consumerId = (await memberPage.inboundVideo(owner.user.id))!.consumerId;
      expect(await memberPage.request("pause_consumer", { consumer_id: consumerId })).toEqual({ ok: true, data: {} });
      // Frames in flight may still land: wait until two samples agree, then for a stats report saying it is paused,
      // and check that no frame arrived meanwhile.
      let previous = -1;
      const stoppedAt = await waitFor(
        async () => {
          const now = (await memberPage.inboundVideo(owner.user.id))!.framesDecoded;
          const stopped = now === previous;
          previous = now;
          return stopped ? now : undefined;
        },
        { timeoutMs: MEDIA_TIMEOUT_MS, intervalMs: 500, what: "the owner's video to stop on the member's page" },
      );
      const mark = (await memberPage.events()).length;
      await waitForEvent(memberPage, "stats", (d) => d.consumers.some((entry: any) => entry.consumer_id === consumerId && entry.paused === true), "stats with the consumer paused", mark);
      expect((await memberPage.inboundVideo(owner.user.id))!.framesDecoded).toBe(stoppedAt);

      expect(await memberPage.request("resume_consumer", { consumer_id: consumerId })).toEqual({ ok: true, data: {} });
      await memberDecodes((video) => video.framesDecoded > stoppedAt, "the owner's video to resume");
    }), 60_000);

  test("camera off (close_producer): the member's consumer closes and self_video turns false", () =>
    step(async () => {
      const consumerId = (await memberPage.inboundVideo(owner.user.id))!.consumerId;
      const mark = (await memberPage.events()).length;
      await ownerPage.stopCamera();
      await waitForEvent(memberPage, "consumer_closed", (d) => d.consumer_id === consumerId, "consumer_closed of the owner's camera", mark);
      await waitForEvent(memberPage, "VOICE_STATE_UPDATE", (d) => d.user_id === owner.user.id && d.self_video === false, "self_video false on the gateway", mark);
      expect(await memberPage.inboundVideo(owner.user.id)).toBeNull();
      // The microphone is untouched: the owner still produces audio.
      expect((await ownerPage.state()).producer).toMatchObject({ closed: false });
    }), 60_000);
});
