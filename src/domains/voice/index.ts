/*
 * The voice domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Voice states, calls, and the rooms of the SFU.
 */

// The module, wired (routes, signaling socket, gateway part), and its background job.
export { type VoiceModule, createVoiceModule } from "./presentation/voice-module";
export { startVoiceSweep } from "./application/voice-jobs";

// Events.
export type { VoiceCallEnded, VoiceCallStarted, VoiceEvent, VoiceStateUpdated } from "./domain/voice-state";

// The signaling socket's close codes and frame bound, and the wire schema the AsyncAPI document embeds.
export { VoiceClose } from "./domain/voice-close";
export { MAX_VOICE_FRAME_BYTES } from "./presentation/voice-signaling";
export { VoiceStateBody } from "./presentation/voice-routes";
