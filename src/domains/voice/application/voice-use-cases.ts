import type { VoiceDeps } from "./voice-deps";
import { expireVoiceStates, listVoiceStates, moderateVoice } from "./voice-moderation";
import { leaveVoice, setSelfVideo, updateVoiceState } from "./voice-state-updates";

/** Every voice use case, built on the same ports: what the routes, the gateway's op 4 and the sweep call. */
export const voiceUseCases = (deps: VoiceDeps) => ({
  listVoiceStates: listVoiceStates(deps),
  moderateVoice: moderateVoice(deps),
  updateVoiceState: updateVoiceState(deps),
  leaveVoice: leaveVoice(deps),
  setSelfVideo: setSelfVideo(deps),
  expireVoiceStates: expireVoiceStates(deps),
});

export type VoiceUseCases = ReturnType<typeof voiceUseCases>;
