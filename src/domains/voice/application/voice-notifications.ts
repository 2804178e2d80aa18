import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ConsumerOptions, OpaqueJson, StreamQuality } from "../domain/sfu";
import type { VoicePeer } from "../domain/voice-peer";
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

/** One participant of `stats`: how their audio reaches the server. */
export const streamStatsOf = (userId: Snowflake, quality: StreamQuality) => ({
  user_id: userId,
  score: quality.score,
  packet_loss: quality.packetLoss,
  jitter_ms: quality.jitterMs,
  bitrate: quality.bitrate,
  packets: quality.packets,
});
