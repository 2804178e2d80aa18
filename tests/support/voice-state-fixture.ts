import type { VoiceState } from "../../src/domains/voice/domain/voice-state";

/** A voice state of `userId` in channel 2 of guild 1, unmuted, for the voice domain's unit tests. */
export const voiceStateFixture = (userId: string, overrides: Partial<VoiceState> = {}): VoiceState => ({
  userId,
  guildId: "1",
  channelId: "2",
  gatewaySessionId: `session-${userId}`,
  authSessionId: `auth-${userId}`,
  selfMute: false,
  selfDeaf: false,
  mute: false,
  deaf: false,
  suppress: false,
  selfVideo: false,
  ...overrides,
});
