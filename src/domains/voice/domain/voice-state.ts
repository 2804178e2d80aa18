import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Where one user is in voice (a user is in at most one voice channel), and how they may speak and hear. */
export interface VoiceState {
  readonly userId: Snowflake;
  readonly guildId: Snowflake;
  readonly channelId: Snowflake;
  /** The gateway session that joined; the voice state lives as long as it does. */
  readonly gatewaySessionId: string;
  /** The identity session (login) that joined; revoking it ends the voice state. Never sent to clients. */
  readonly authSessionId: string;
  readonly selfMute: boolean;
  readonly selfDeaf: boolean;
  /** Server mute and deafen, set by moderators (MUTE_MEMBERS / DEAFEN_MEMBERS). */
  readonly mute: boolean;
  readonly deaf: boolean;
  /** Joined without SPEAK: may listen, not send. */
  readonly suppress: boolean;
  /** Sends camera video now (a video producer on the voice socket); set by the server, not by op 4. */
  readonly selfVideo: boolean;
}

/** A voice channel as the voice domain needs it. */
export interface VoiceChannel {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  /** Participants admitted; 0 means no limit. */
  readonly userLimit: number;
}

/** An open or finished call: the first participant joining to the last leaving. */
export interface VoiceCall {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  readonly channelId: Snowflake;
  /** The node hosting the room, and the signaling URL its clients connect to. */
  readonly nodeId: number;
  readonly endpoint: string;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}

export interface Moderation {
  readonly mute: boolean;
  readonly deaf: boolean;
}

/** The API.md VOICE_STATE_UPDATE payload; `channel_id` null when the user left. */
export const voiceStatePayload = (state: VoiceState, channelId: Snowflake | null = state.channelId) => ({
  guild_id: state.guildId,
  channel_id: channelId,
  user_id: state.userId,
  session_id: state.gatewaySessionId,
  self_mute: state.selfMute,
  self_deaf: state.selfDeaf,
  mute: state.mute,
  deaf: state.deaf,
  suppress: state.suppress,
  self_video: state.selfVideo,
});

export type VoiceStatePayload = ReturnType<typeof voiceStatePayload>;

export const callPayload = (call: VoiceCall) => ({
  id: call.id,
  guild_id: call.guildId,
  channel_id: call.channelId,
  started_at: call.startedAt.toISOString(),
  ...(call.endedAt ? { ended_at: call.endedAt.toISOString() } : {}),
});

/** `previous_channel_id` only when the user left (`channel_id` null): the channel whose viewers hear of it. */
export type VoiceStateUpdated = DomainEvent<"VOICE_STATE_UPDATED", VoiceStatePayload & { previous_channel_id?: Snowflake }>;
export type VoiceCallStarted = DomainEvent<"VOICE_CALL_STARTED", ReturnType<typeof callPayload>>;
export type VoiceCallEnded = DomainEvent<"VOICE_CALL_ENDED", ReturnType<typeof callPayload>>;
export type VoiceEvent = VoiceStateUpdated | VoiceCallStarted | VoiceCallEnded;

/** Every voice event goes to the guild's topic; the gateway filters by who can see the channel. */
export const voiceStateEvent = (state: VoiceState, channelId: Snowflake | null = state.channelId): Unrecorded<VoiceStateUpdated> => ({
  type: "VOICE_STATE_UPDATED",
  topics: [topics.guild(state.guildId)],
  data: { ...voiceStatePayload(state, channelId), ...(channelId === null ? { previous_channel_id: state.channelId } : {}) },
});

export const callStartedEvent = (call: VoiceCall): Unrecorded<VoiceCallStarted> => ({
  type: "VOICE_CALL_STARTED",
  topics: [topics.guild(call.guildId)],
  data: callPayload(call),
});

export const callEndedEvent = (call: VoiceCall): Unrecorded<VoiceCallEnded> => ({
  type: "VOICE_CALL_ENDED",
  topics: [topics.guild(call.guildId)],
  data: callPayload(call),
});

/**
 * Whether a user may join a voice channel: VIEW_CHANNEL (else it does not exist for them), CONNECT, and room under
 * the user limit unless they hold MOVE_MEMBERS (Discord's rule) or are already in it. Returns `suppress` (no SPEAK).
 */
export const admitToChannel = (input: {
  readonly permissions: bigint;
  readonly channel: VoiceChannel;
  readonly participants: number;
  readonly alreadyIn: boolean;
  readonly roomCapacity: number;
}): { suppress: boolean } => {
  const { permissions, channel } = input;
  if (!hasPermission(permissions, Permission.VIEW_CHANNEL)) throw new DomainError(ErrorCode.MISSING_ACCESS, "Missing Access");
  if (!hasPermission(permissions, Permission.CONNECT)) throw new DomainError(ErrorCode.MISSING_PERMISSIONS, "Missing Permissions: CONNECT");
  if (!input.alreadyIn) {
    const bypass = hasPermission(permissions, Permission.MOVE_MEMBERS);
    if (!bypass && channel.userLimit > 0 && input.participants >= channel.userLimit) {
      throw new DomainError(ErrorCode.LIMIT_REACHED, `This voice channel is full (${channel.userLimit} participants)`);
    }
    if (input.participants >= input.roomCapacity) {
      throw new DomainError(ErrorCode.LIMIT_REACHED, `Voice channels hold at most ${input.roomCapacity} participants`);
    }
  }
  return { suppress: !hasPermission(permissions, Permission.SPEAK) };
};

/** Only voice channels (type 2) can be joined. */
export const notVoiceChannel = () => invalidField("channel_id", "Not a voice channel.");
