import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ConsumerOptions, ConsumerQuality, Layers, MediaKind, OpaqueJson, StreamQuality } from "../domain/sfu";
import type { ConsumerEntry, VoicePeer } from "../domain/voice-peer";
import type { VoiceState } from "../domain/voice-state";

/**
 * The payloads the signaling socket sends (docs/voice.md, "Notifications" and the `identify` answer; the AsyncAPI
 * schemas are src/shared/presentation/asyncapi-voice.ts). Field names and order are the wire format.
 */

/** VoiceParticipant: in `ready`, participant_joined and participant_updated. */
export const participantOf = (peer: VoicePeer) => ({
  user_id: peer.state.userId,
  self_mute: peer.state.selfMute,
  self_deaf: peer.state.selfDeaf,
  mute: peer.state.mute,
  deaf: peer.state.deaf,
  suppress: peer.state.suppress,
  producing: peer.producerId !== undefined,
  speaking: peer.speaking,
  self_video: peer.state.selfVideo,
});

/** The answer to `identify`: the router's capabilities and everyone seated. */
export const readyOf = (state: VoiceState, rtpCapabilities: OpaqueJson, peers: Iterable<VoicePeer>): Record<string, unknown> => ({
  user_id: state.userId,
  guild_id: state.guildId,
  channel_id: state.channelId,
  rtp_capabilities: rtpCapabilities,
  participants: [...peers].map(participantOf),
});

/** consumer_new: what the client creates on its receive transport. */
export const consumerNewOf = (options: ConsumerOptions, producerUserId: Snowflake) => ({
  consumer_id: options.id,
  producer_id: options.producerId,
  user_id: producerUserId,
  kind: options.kind,
  rtp_parameters: options.rtpParameters,
});

/** One producer of `stats`: how a participant's audio or camera video reaches the server. */
export const streamStatsOf = (userId: Snowflake, kind: MediaKind, quality: StreamQuality) => ({
  user_id: userId,
  kind,
  score: quality.score,
  packet_loss: quality.packetLoss,
  jitter_ms: quality.jitterMs,
  bitrate: quality.bitrate,
  packets: quality.packets,
});

/** Layers on the wire: `{ spatial_layer, temporal_layer }`, or null. */
const layersOf = (layers: Layers | null) => (layers ? { spatial_layer: layers.spatialLayer, temporal_layer: layers.temporalLayer } : null);

/** One of the peer's consumers in its `stats`: the score of what it receives, and for video the layers. */
export const consumerStatsOf = (consumerId: string, entry: ConsumerEntry, quality: ConsumerQuality, deafened: boolean) => ({
  consumer_id: consumerId,
  user_id: entry.producerUserId,
  kind: entry.kind,
  paused: !entry.resumedByClient || (entry.kind === "audio" && deafened),
  score: quality.score,
  producer_score: quality.producerScore,
  layers: layersOf(quality.layers),
  preferred_layers: layersOf(quality.preferredLayers),
});

/** consumer_layers: the layers a video consumer forwards now changed (null: none, e.g. the producer paused). */
export const consumerLayersOf = (consumerId: string, layers: Layers | null) => ({ consumer_id: consumerId, layers: layersOf(layers) });
