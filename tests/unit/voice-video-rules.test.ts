/** Camera video in a voice room: who may produce it, how consumers of it pause and take layers, and its limits. */
import { describe, expect, test } from "bun:test";
import type { types } from "mediasoup";
import { ChannelType, VideoQualityMode, normalizeVideoQualityMode } from "../../src/domains/channel/domain/channel";
import { VoicePeer } from "../../src/domains/voice/domain/voice-peer";
import { VoiceRoom } from "../../src/domains/voice/domain/voice-room";
import { type VoiceState, voiceStatePayload } from "../../src/domains/voice/domain/voice-state";
import { checkCodecKinds, checkEncodings } from "../../src/shared/infrastructure/sfu/rtp-parameters-check";
import { consumerQualityOf, streamQualityFromStats } from "../../src/shared/infrastructure/sfu/stream-quality";
import type { DomainError } from "../../src/shared/kernel/domain-error";
import { Permission } from "../../src/shared/kernel/permissions";
import { voiceStateFixture } from "../support/voice-state-fixture";

const STREAM = Permission.STREAM;

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as DomainError).code ? `${(error as DomainError).code}: ${(error as Error).message}` : `${(error as Error).name}: ${(error as Error).message}`;
  }
  return "ok";
};

const peerWith = (userId = "10", overrides: Partial<VoiceState> = {}) => {
  const peer = new VoicePeer(voiceStateFixture(userId, overrides));
  peer.attachTransport("send", `send-${userId}`);
  peer.attachTransport("recv", `recv-${userId}`);
  peer.rtpCapabilities = { codecs: [] };
  return peer;
};

describe("VoicePeer: camera video", () => {
  test("producing video needs STREAM in the channel, not SPEAK; one camera per connection", () => {
    const peer = peerWith("10", { suppress: true });
    expect(refusal(() => peer.checkProduce("send-10", "video", 0n))).toBe("MISSING_PERMISSIONS: Missing Permissions: STREAM");
    expect(refusal(() => peer.checkProduce("send-10", "video", Permission.SPEAK | Permission.CONNECT))).toBe("MISSING_PERMISSIONS: Missing Permissions: STREAM");
    expect(refusal(() => peer.checkProduce("recv-10", "video", STREAM))).toBe("VALIDATION: Not your send transport");
    expect(refusal(() => peer.checkProduce("send-10", "video", STREAM))).toBe("ok");
    peer.startProducing("v1", "video");
    expect(refusal(() => peer.checkProduce("send-10", "video", STREAM))).toBe("VALIDATION: Already producing video");
  });

  test("microphone and camera are separate producers; mute pauses the microphone only", () => {
    const peer = peerWith("10", { selfMute: true });
    expect(peer.startProducing("v1", "video")).toBe(false); // a muted user's camera still sends
    expect(refusal(() => peer.checkProduce("send-10", "audio"))).toBe("ok");
    expect(peer.startProducing("a1", "audio")).toBe(true);
    expect([peer.producerOf("audio"), peer.producerOf("video")]).toEqual(["a1", "v1"]);
    expect(peer.applyState({ ...peer.state, selfMute: false })).toEqual({ producer: { producerId: "a1", paused: false }, deafenChanged: false });
  });

  test("closing a producer frees its kind; an unknown producer is NOT_FOUND", () => {
    const peer = peerWith();
    peer.startProducing("a1", "audio");
    peer.startProducing("v1", "video");
    expect(peer.stopProducing("v1")).toBe("video");
    expect(peer.videoProducerId).toBeUndefined();
    expect(peer.producerId).toBe("a1");
    expect(refusal(() => peer.stopProducing("v1"))).toBe("NOT_FOUND: Unknown producer");
    expect(peer.stopProducing("a1")).toBe("audio");
  });

  test("video consumers pause and resume at the client's word, and deafening leaves them alone", () => {
    const peer = peerWith("10", { selfDeaf: true });
    peer.consumers.set("cv", { producerUserId: "11", kind: "video", resumedByClient: false });
    peer.consumers.set("ca", { producerUserId: "11", kind: "audio", resumedByClient: true });
    expect(refusal(() => peer.requestResume("cv"))).toBe("ok"); // deafened, but video is not heard
    expect(peer.consumers.get("cv")?.resumedByClient).toBe(true);
    expect(peer.consumerPauses()).toEqual([{ consumerId: "ca", paused: true }]);
    peer.requestPause("cv");
    expect(peer.consumers.get("cv")?.resumedByClient).toBe(false);
    expect(refusal(() => peer.requestPause("nope"))).toBe("NOT_FOUND: Unknown consumer");
  });

  test("preferred layers: video consumers only, within three spatial and three temporal layers", () => {
    const peer = peerWith();
    peer.consumers.set("cv", { producerUserId: "11", kind: "video", resumedByClient: true });
    peer.consumers.set("ca", { producerUserId: "11", kind: "audio", resumedByClient: true });
    expect(refusal(() => peer.checkPreferredLayers("cv", { spatialLayer: 0, temporalLayer: 2 }))).toBe("ok");
    expect(refusal(() => peer.checkPreferredLayers("cv", { spatialLayer: 3, temporalLayer: 0 }))).toBe("VALIDATION: spatial_layer must be below 3");
    expect(refusal(() => peer.checkPreferredLayers("cv", { spatialLayer: 0, temporalLayer: 3 }))).toBe("VALIDATION: temporal_layer must be below 3");
    expect(refusal(() => peer.checkPreferredLayers("ca", { spatialLayer: 0, temporalLayer: 0 }))).toBe("VALIDATION: Layers apply to video consumers only");
    expect(refusal(() => peer.checkPreferredLayers("nope", { spatialLayer: 0, temporalLayer: 0 }))).toBe("NOT_FOUND: Unknown consumer");
  });
});

describe("VoiceRoom: camera video", () => {
  const roomWith = (...peers: VoicePeer[]) => {
    const room = new VoiceRoom<VoicePeer>("2", "1");
    for (const peer of peers) room.seat(peer);
    return room;
  };

  test("a listener gets one consumer per producing user and kind: audio and video apart", () => {
    const speaker = peerWith("11");
    const listener = peerWith("10");
    const room = roomWith(listener, speaker);
    speaker.startProducing("a11", "audio");
    expect(room.producerAdded(speaker, "audio")).toEqual([listener]);
    speaker.startProducing("v11", "video");
    expect(room.producerAdded(speaker, "video")).toEqual([listener]);
    expect(room.consumption(listener, speaker, "video")).toEqual({ transportId: "recv-10", producerId: "v11", rtpCapabilities: { codecs: [] } });
    room.consumerAdded(listener, "ca", "11", "audio");
    expect(room.consumption(listener, speaker, "audio")).toBeUndefined();
    expect(room.consumption(listener, speaker, "video")).toBeDefined();
    room.consumerAdded(listener, "cv", "11", "video");
    expect(room.consumption(listener, speaker, "video")).toBeUndefined();
    expect(room.consumerOwner("cv")).toBe(listener);
    expect(new Map(room.producing())).toEqual(new Map([["a11", speaker], ["v11", speaker]]));
  });

  test("a closed camera and a departed peer leave the room's producers", () => {
    const speaker = peerWith("11");
    const room = roomWith(peerWith("10"), speaker);
    speaker.startProducing("a11", "audio");
    room.producerAdded(speaker, "audio");
    speaker.startProducing("v11", "video");
    room.producerAdded(speaker, "video");
    speaker.stopProducing("v11");
    room.producerRemoved("v11");
    expect([...room.producing()].map(([id]) => id)).toEqual(["a11"]);
    speaker.startProducing("v12", "video");
    room.producerAdded(speaker, "video");
    room.leave(speaker);
    expect([...room.producing()]).toEqual([]);
  });

  test("self_video reaches the seated peer's state through VOICE_STATE_UPDATED", () => {
    const peer = peerWith("10");
    const room = roomWith(peer);
    const change = room.voiceStateChanged({ ...voiceStatePayload(peer.state), self_video: true });
    expect(change && "state" in change ? change.state.selfVideo : undefined).toBe(true);
  });
});

describe("RTP encodings a producer may declare", () => {
  const layer = (rid: string, extra: Record<string, unknown> = {}) => ({ rid, scalabilityMode: "L1T3", ...extra });
  const check = (kind: "audio" | "video", encodings: unknown) => refusal(() => checkEncodings(kind, { encodings }));

  test("three simulcast layers of video, one audio encoding", () => {
    expect(check("video", [layer("r0", { maxBitrate: 100_000, scaleResolutionDownBy: 4 }), layer("r1", { maxBitrate: 300_000 }), layer("r2", { maxBitrate: 900_000 })])).toBe("ok");
    expect(check("video", [{ ssrc: 1 }])).toBe("ok");
    expect(check("audio", [{ ssrc: 1, maxBitrate: 64_000 }])).toBe("ok");
  });

  test("too many encodings, none, or not objects", () => {
    expect(check("video", [layer("a"), layer("b"), layer("c"), layer("d")])).toBe("TypeError: video takes at most 3 encodings (got 4)");
    expect(check("audio", [{ ssrc: 1 }, { ssrc: 2 }])).toBe("TypeError: audio takes at most 1 encoding (got 2)");
    expect(check("video", [])).toBe("TypeError: rtpParameters.encodings must be a non-empty array");
    expect(check("video", undefined)).toBe("TypeError: rtpParameters.encodings must be a non-empty array");
    expect(check("video", [1, 2])).toBe("TypeError: each encoding must be an object");
  });

  test("bitrate caps per layer", () => {
    expect(check("video", [layer("r0", { maxBitrate: 2_500_001 })])).toBe("TypeError: encoding maxBitrate must be an integer from 1 to 2500000 bit/s for video");
    expect(check("audio", [{ ssrc: 1, maxBitrate: 600_000 }])).toBe("TypeError: encoding maxBitrate must be an integer from 1 to 510000 bit/s for audio");
    expect(check("video", [layer("r0", { maxBitrate: 0 })])).toStartWith("TypeError: encoding maxBitrate");
    expect(check("video", [layer("r0", { maxBitrate: "fast" })])).toStartWith("TypeError: encoding maxBitrate");
  });

  test("rids, scalability modes and scaling", () => {
    expect(check("video", [layer("r0"), layer("r0")])).toBe("TypeError: encoding rid r0 is used twice");
    expect(check("video", [layer("r-0")])).toBe("TypeError: encoding rid must be 1 to 16 letters or digits");
    expect(check("video", [layer("r".repeat(17))])).toBe("TypeError: encoding rid must be 1 to 16 letters or digits");
    expect(check("video", [layer("r0", { scalabilityMode: "L3T3" })])).toBe("TypeError: encoding scalabilityMode must be L1T1, L1T2 or L1T3 (simulcast layers)");
    expect(check("video", [layer("r0", { scaleResolutionDownBy: 0.5 })])).toBe("TypeError: encoding scaleResolutionDownBy must be a number from 1 to 64");
    expect(check("video", [{ maxBitrate: 100_000 }, { maxBitrate: 200_000 }])).toBe("TypeError: simulcast encodings need distinct rids or ssrcs");
    expect(check("video", [{ ssrc: 1 }, { ssrc: 2 }])).toBe("ok");
  });
});

test("a producer's codecs are of its kind", () => {
  const codecs = (mimeType: string) => ({ codecs: [{ mimeType }] });
  expect(refusal(() => checkCodecKinds("audio", codecs("video/VP8")))).toBe("TypeError: codec video/VP8 is not a codec of kind audio");
  expect(refusal(() => checkCodecKinds("video", codecs("audio/opus")))).toBe("TypeError: codec audio/opus is not a codec of kind video");
  expect(refusal(() => checkCodecKinds("video", codecs("video/H264")))).toBe("ok");
});

describe("Quality of simulcast streams", () => {
  const inbound = (score: number, bitrate: number, packetCount: number, fractionLost = 0, jitter = 0) =>
    ({ type: "inbound-rtp", score, bitrate, packetCount, fractionLost, jitter }) as unknown as types.ProducerStat;

  test("layers add up their bitrate and packets; the worst flowing layer gives score, loss and jitter", () => {
    const stats = [inbound(10, 150_000, 1000, 0, 90), inbound(7, 500_000, 2000, 64, 900), inbound(0, 0, 0)];
    expect(streamQualityFromStats(stats, 90_000)).toEqual({ score: 7, packetLoss: 0.25, jitterMs: 10, bitrate: 650_000, packets: 3000 });
  });

  test("a consumer's score and layers; audio has none", () => {
    const score = { score: 9, producerScore: 10, producerScores: [10, 10, 10] };
    const video = { kind: "video", score, currentLayers: { spatialLayer: 1, temporalLayer: 2 }, preferredLayers: { spatialLayer: 2 } } as types.Consumer;
    expect(consumerQualityOf(video)).toEqual({
      score: 9,
      producerScore: 10,
      layers: { spatialLayer: 1, temporalLayer: 2 },
      preferredLayers: { spatialLayer: 2, temporalLayer: 0 },
    });
    const audio = { kind: "audio", score, currentLayers: undefined, preferredLayers: undefined } as types.Consumer;
    expect(consumerQualityOf(audio)).toEqual({ score: 9, producerScore: 10, layers: null, preferredLayers: null });
  });
});

describe("A voice channel's video quality mode", () => {
  const reason = (type: 0 | 2 | 4, value: number) => {
    try {
      normalizeVideoQualityMode(type, value);
      return "ok";
    } catch (error) {
      return (error as DomainError).fields?.video_quality_mode;
    }
  };

  test("1 (auto) or 2 (full); 2 only on voice channels", () => {
    expect(normalizeVideoQualityMode(ChannelType.GUILD_VOICE, 2)).toBe(VideoQualityMode.FULL);
    expect(normalizeVideoQualityMode(ChannelType.GUILD_TEXT, 1)).toBe(VideoQualityMode.AUTO);
    expect(reason(2, 3)).toBe("Must be 1 (auto) or 2 (full).");
    expect(reason(2, 0)).toBe("Must be 1 (auto) or 2 (full).");
    expect(reason(0, 2)).toBe("Only voice channels have a video quality mode.");
    expect(reason(4, 2)).toBe("Only voice channels have a video quality mode.");
  });
});
