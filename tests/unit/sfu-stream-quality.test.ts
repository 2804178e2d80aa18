import { describe, expect, test } from "bun:test";
import type { types } from "mediasoup";
import { streamQualityFromStats } from "../../src/shared/infrastructure/sfu/stream-quality";

const inbound = (overrides: Partial<types.ProducerStat>): types.ProducerStat => ({
  type: "inbound-rtp",
  timestamp: 0,
  ssrc: 1,
  kind: "audio",
  mimeType: "audio/opus",
  packetsLost: 0,
  fractionLost: 0,
  jitter: 0,
  packetsDiscarded: 0,
  packetsRetransmitted: 0,
  packetsRepaired: 0,
  nackCount: 0,
  nackPacketCount: 0,
  pliCount: 0,
  firCount: 0,
  score: 10,
  packetCount: 0,
  byteCount: 0,
  bitrate: 0,
  bitrateByLayer: {},
  ...overrides,
});

describe("stream quality from mediasoup producer stats", () => {
  test("fraction lost is RTCP's 8-bit fixed point, jitter is in clock ticks of the codec", () => {
    const stats = [inbound({ score: 7, fractionLost: 64, jitter: 960, bitrate: 64_000, packetCount: 500 })];
    expect(streamQualityFromStats(stats, 48_000)).toEqual({ score: 7, packetLoss: 0.25, jitterMs: 20, bitrate: 64_000, packets: 500 });
    expect(streamQualityFromStats(stats, 8_000).jitterMs).toBe(120);
  });

  test("a producer that has received nothing yet has zero quality", () => {
    expect(streamQualityFromStats([], 48_000)).toEqual({ score: 0, packetLoss: 0, jitterMs: 0, bitrate: 0, packets: 0 });
  });
});
