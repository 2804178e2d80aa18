import type { types } from "mediasoup";
import type { ConsumerQuality, StreamQuality } from "../../../domains/voice/domain/sfu";

/** RTCP's "fraction lost" is a fixed-point number with 8 fractional bits (RFC 3550 §6.4.1). */
const FRACTION_LOST_SCALE = 256;

/** A producer that has received no RTP yet: nothing lost, nothing measured. */
const NO_MEDIA_YET: StreamQuality = { score: 0, packetLoss: 0, jitterMs: 0, bitrate: 0, packets: 0 };

/**
 * The quality of a producer's incoming stream from mediasoup's `producer.getStats()` entries: one `inbound-rtp`
 * entry for audio, one per simulcast layer for video. Layers add up their bitrate and packets; the score, loss and
 * jitter are the worst layer's among those carrying media (a layer the sender dropped, say for its uplink, is not
 * a loss). Jitter arrives in RTP timestamp units, so it is divided by the codec's clock ticks per millisecond.
 */
export const streamQualityFromStats = (stats: readonly types.ProducerStat[], clockRate: number): StreamQuality => {
  const inbound = stats.filter((stat) => stat.type === "inbound-rtp");
  if (inbound.length === 0) return NO_MEDIA_YET;
  const flowing = inbound.filter((stat) => stat.packetCount > 0);
  const rated = flowing.length > 0 ? flowing : inbound;
  return {
    score: Math.min(...rated.map((stat) => stat.score)),
    packetLoss: Math.min(1, Math.max(0, Math.max(...rated.map((stat) => stat.fractionLost)) / FRACTION_LOST_SCALE)),
    jitterMs: Math.max(...rated.map((stat) => stat.jitter)) / (clockRate / 1000),
    bitrate: inbound.reduce((sum, stat) => sum + stat.bitrate, 0),
    packets: inbound.reduce((sum, stat) => sum + stat.packetCount, 0),
  };
};

/** A consumer's score and layers as mediasoup keeps them (no request to the worker: they arrive as events). */
export const consumerQualityOf = (consumer: Pick<types.Consumer, "kind" | "score" | "currentLayers" | "preferredLayers">): ConsumerQuality => {
  const video = consumer.kind === "video";
  return {
    score: consumer.score.score,
    producerScore: consumer.score.producerScore,
    layers: video && consumer.currentLayers ? { spatialLayer: consumer.currentLayers.spatialLayer, temporalLayer: consumer.currentLayers.temporalLayer ?? 0 } : null,
    preferredLayers:
      video && consumer.preferredLayers ? { spatialLayer: consumer.preferredLayers.spatialLayer, temporalLayer: consumer.preferredLayers.temporalLayer ?? 0 } : null,
  };
};
