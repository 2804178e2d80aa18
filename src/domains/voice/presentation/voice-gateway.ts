import { type DispatchRule, type DispatchRules, FORWARD, type ReadyContributor, type Viewer, type VoiceStateHandler } from "../../../shared/gateway/gateway-ports";
import { isDomainError } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { ERROR_TABLE } from "../../../shared/presentation/error-table";
import type { VoiceStateRequest, VoiceServer } from "../application/voice-state-updates";
import { type VoiceCallEnded, type VoiceCallStarted, type VoiceEvent, type VoiceState, voiceStatePayload } from "../domain/voice-state";

/** A user's permissions in a channel (0 when they cannot see it); the gateway's node-wide cached answer. */
export type ChannelPermissions = (userId: Snowflake, channelId: Snowflake) => Promise<bigint> | bigint;

/**
 * VOICE_STATE_UPDATE, VOICE_CALL_STARTED and VOICE_CALL_ENDED reach the guild's members who can see the channel
 * (for a leave, the channel that was left); a user always hears of their own voice state.
 */
export const voiceDispatchRules = (channelPermissions: ChannelPermissions): DispatchRules<VoiceEvent> => {
  const canSee = async (viewer: Viewer, channelId: Snowflake | null | undefined) =>
    channelId ? hasPermission(await channelPermissions(viewer.userId, channelId), Permission.VIEW_CHANNEL) : false;
  const call: DispatchRule<VoiceCallStarted | VoiceCallEnded> = async ({ data }, viewer) => ((await canSee(viewer, data.channel_id)) ? FORWARD : null);
  return {
    VOICE_STATE_UPDATED: async ({ data }, viewer) =>
      data.user_id === viewer.userId || (await canSee(viewer, data.channel_id ?? data.previous_channel_id)) ? FORWARD : null,
    VOICE_CALL_STARTED: call,
    VOICE_CALL_ENDED: call,
  };
};

/**
 * Op 4: the use case's VOICE_SERVER_UPDATE goes to the session that asked. A refused request changes nothing and
 * answers VOICE_STATE_REJECTED with the REST error it would be (docs/voice.md); unexpected errors propagate.
 */
export const voiceStateHandler =
  (
    update: (caller: { userId: Snowflake; authSessionId: string }, gatewaySessionId: string, request: VoiceStateRequest) => Promise<VoiceServer | null>,
  ): VoiceStateHandler =>
  async (viewer, gatewaySessionId, payload) => {
    const request = { guildId: payload.guild_id, channelId: payload.channel_id, selfMute: payload.self_mute, selfDeaf: payload.self_deaf };
    try {
      const server = await update({ userId: viewer.userId, authSessionId: viewer.sessionId }, gatewaySessionId, request);
      return server ? [{ t: "VOICE_SERVER_UPDATE", d: server }] : [];
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const { status, code } = ERROR_TABLE[error.code];
      const d = { guild_id: payload.guild_id, channel_id: payload.channel_id, status, code, message: error.message };
      return [{ t: "VOICE_STATE_REJECTED", d }];
    }
  };

/** READY `voice_states`: who is in voice in the user's guilds, in channels the user can see. */
export const voiceReady =
  (deps: {
    readonly guildIdsOf: (viewer: Viewer) => Promise<readonly Snowflake[]>;
    readonly statesInGuilds: (guildIds: readonly Snowflake[]) => Promise<VoiceState[]>;
    readonly channelPermissions: ChannelPermissions;
  }): ReadyContributor =>
  async (viewer) => {
    const states = await deps.statesInGuilds(await deps.guildIdsOf(viewer));
    const visible = await Promise.all(
      states.map(async (state) => hasPermission(await deps.channelPermissions(viewer.userId, state.channelId), Permission.VIEW_CHANNEL)),
    );
    return { voice_states: states.filter((_, index) => visible[index]).map((state) => voiceStatePayload(state)) };
  };
