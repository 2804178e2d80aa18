import type { types } from "mediasoup";
import type { StreamQuality } from "../../../domains/voice/domain/sfu";

/** RTCP's "fraction lost" is a fixed-point number with 8 fractional bits (RFC 3550 §6.4.1). */
const FRACTION_LOST_SCALE = 256;

/** A producer that has received no RTP yet: nothing lost, nothing measured. */
const NO_MEDIA_YET: StreamQuality = { score: 0, packetLoss: 0, jitterMs: 0, bitrate: 0, packets: 0 };

/**
 * The quality of a producer's incoming stream from mediasoup's `producer.getStats()` entries.
 * Jitter arrives in RTP timestamp units, so it is divided by the codec's clock ticks per millisecond.
 */
export const streamQualityFromStats = (stats: readonly types.ProducerStat[], clockRate: number): StreamQuality => {
  const inbound = stats.find((stat) => stat.type === "inbound-rtp");
  if (!inbound) return NO_MEDIA_YET;
  return {
    score: inbound.score,
    packetLoss: Math.min(1, Math.max(0, inbound.fractionLost / FRACTION_LOST_SCALE)),
    jitterMs: inbound.jitter / (clockRate / 1000),
    bitrate: inbound.bitrate,
    packets: inbound.packetCount,
  };
};
