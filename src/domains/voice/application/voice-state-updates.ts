import type { NewAuditLogEntry } from "../../../shared/kernel/audit-log";
import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { NewDomainEvent, Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { VoiceRepositories } from "../domain/voice-repository";
import {
  type VoiceCall,
  type VoiceEvent,
  type VoiceState,
  admitToChannel,
  callEndedEvent,
  callStartedEvent,
  notVoiceChannel,
  voiceStateEvent,
} from "../domain/voice-state";
import type { VoiceDeps } from "./voice-deps";
import type { VoiceNode } from "./voice-nodes";

const GUILD_VOICE = 2;

/** Op 4 as the voice domain takes it. */
export interface VoiceStateRequest {
  readonly guildId: Snowflake;
  readonly channelId: Snowflake | null;
  readonly selfMute: boolean;
  readonly selfDeaf: boolean;
}

/** VOICE_SERVER_UPDATE: where to connect, with what. A null endpoint would mean "no voice server". */
export interface VoiceServer {
  readonly guild_id: Snowflake;
  readonly channel_id: Snowflake;
  readonly endpoint: string;
  readonly token: string;
}

/**
 * Leaves the user's channel inside a transaction that already holds its lock: removes the state, records the
 * leave, and ends the call when the channel empties.
 */
const leaveLocked = async (repositories: VoiceRepositories, state: VoiceState, now: Date): Promise<NewDomainEvent[]> => {
  const { voice } = repositories;
  await voice.remove(state.userId);
  const events: Unrecorded<VoiceEvent>[] = [voiceStateEvent(state, null)];
  if ((await voice.participantCount(state.channelId)) === 0) {
    const call = await voice.openCall(state.channelId);
    if (call) events.push(callEndedEvent(await voice.endCall(call, now)));
  }
  return events;
};

/** Where a new participant's room is: the open call's host while it lives, else a node picked now. */
const hostFor = async (deps: VoiceDeps, channelId: Snowflake): Promise<{ node: VoiceNode; call: VoiceCall | null }> => {
  const call = await deps.queries.openCall(channelId);
  if (call && (await deps.nodes.isAlive(call.nodeId))) return { node: { nodeId: call.nodeId, endpoint: call.endpoint, rooms: 0 }, call };
  const node = await deps.nodes.pick();
  if (!node) throw new DomainError(ErrorCode.UNAVAILABLE, "Voice is unavailable: no voice server is running");
  return { node, call };
};

/** The user leaves voice in `guildId` (op 4 with a null channel, or expiry); nothing when they are not in it. */
export const leaveVoice =
  (deps: VoiceDeps) =>
  async (userId: Snowflake, onlyIf: { guildId?: Snowflake; gatewaySessionId?: string } = {}, audit: readonly NewAuditLogEntry[] = []): Promise<boolean> => {
    const current = await deps.queries.stateOf(userId);
    if (!current) return false;
    return deps.unitOfWork(async (repositories) => {
      await repositories.voice.lockChannels([current.channelId]);
      const state = await repositories.voice.stateOf(userId);
      if (!state || state.channelId !== current.channelId) return false; // moved meanwhile: that move decides
      if (onlyIf.guildId !== undefined && state.guildId !== onlyIf.guildId) return false;
      if (onlyIf.gatewaySessionId !== undefined && state.gatewaySessionId !== onlyIf.gatewaySessionId) return false;
      await repositories.record(await leaveLocked(repositories, state, new Date(deps.clock.now())));
      // A moderator's disconnect is audited only when it disconnected someone, with the leave itself.
      await repositories.audit(audit);
      return true;
    });
  };

/**
 * Op 4 VOICE_STATE_UPDATE: join, switch, change self mute/deafen, or leave. Joining checks VIEW_CHANNEL, CONNECT and
 * the user limit under a per-channel lock, records VOICE_STATE_UPDATED (and VOICE_CALL_STARTED for the first one in,
 * VOICE_CALL_ENDED for a channel left empty) in the same transaction, and returns the VOICE_SERVER_UPDATE for the
 * joining session; null when nothing is to be sent to it.
 */
export const updateVoiceState =
  (deps: VoiceDeps) =>
  async (caller: { userId: Snowflake; authSessionId: string }, gatewaySessionId: string, request: VoiceStateRequest): Promise<VoiceServer | null> => {
    const { userId } = caller;
    if (request.channelId === null) {
      await leaveVoice(deps)(userId, { guildId: request.guildId });
      return null;
    }
    const channelId = request.channelId;
    const resolved = await deps.resolveChannel(userId, channelId);
    // A channel of another guild is unknown here; one the user cannot see is refused by admitToChannel (50001).
    if (!resolved || resolved.guildId !== request.guildId) throw new DomainError(ErrorCode.UNKNOWN_CHANNEL, "Unknown Channel");
    if (resolved.type !== GUILD_VOICE) throw notVoiceChannel();
    const channel = { id: channelId, guildId: request.guildId, userLimit: resolved.userLimit };
    const { node, call: knownCall } = await hostFor(deps, channelId);
    const now = new Date(deps.clock.now());
    const expiresAt = new Date(now.getTime() + deps.stateTtlMs);

    // Channel locks first, then the user's row (as every voice transaction does), so no two of them deadlock.
    const before = await deps.queries.stateOf(userId);
    const joined = await deps.unitOfWork(async (repositories) => {
      const { voice } = repositories;
      await voice.lockChannels(before && before.channelId !== channelId ? [before.channelId, channelId] : [channelId]);
      const current = await voice.stateOf(userId); // re-read under the locks
      const alreadyIn = current?.channelId === channelId;
      const participants = await voice.participantCount(channelId);
      const { suppress } = admitToChannel({ permissions: resolved.permissions, channel, participants, alreadyIn, roomCapacity: deps.roomCapacity });
      const moderation = await voice.moderation(request.guildId, userId);
      const state: VoiceState = {
        userId,
        guildId: request.guildId,
        channelId,
        gatewaySessionId,
        authSessionId: caller.authSessionId,
        selfMute: request.selfMute,
        selfDeaf: request.selfDeaf,
        mute: moderation.mute,
        deaf: moderation.deaf,
        suppress,
        // The camera belongs to the voice connection: op 4 from the same gateway session keeps it, a new one has none yet.
        selfVideo: alreadyIn && current?.gatewaySessionId === gatewaySessionId ? current.selfVideo : false,
      };
      const events: NewDomainEvent[] = [];
      if (current && !alreadyIn) events.push(...(await leaveLocked(repositories, current, now)));
      if (!alreadyIn && participants === 0) {
        const stale = await voice.openCall(channelId);
        if (stale) events.push(callEndedEvent(await voice.endCall(stale, now))); // left open by a crash
        const call: VoiceCall = { id: deps.ids.next(), guildId: request.guildId, channelId, nodeId: node.nodeId, endpoint: node.endpoint, startedAt: now, endedAt: null };
        await voice.startCall(call);
        events.push(callStartedEvent(call));
      } else if (knownCall && knownCall.nodeId !== node.nodeId) {
        await voice.moveCall(knownCall.id, node.nodeId, node.endpoint);
      }
      await voice.save(state, now, expiresAt);
      events.push(voiceStateEvent(state));
      await repositories.record(events);
      // A new server update only for a new connection: joining, or the same channel from another gateway session.
      return !alreadyIn || current?.gatewaySessionId !== gatewaySessionId;
    });
    if (!joined) return null;
    const token = await deps.tokens.issue({ userId, guildId: request.guildId, channelId, gatewaySessionId });
    return { guild_id: request.guildId, channel_id: channelId, endpoint: node.endpoint, token };
  };

/**
 * The room saw the user's camera start or stop: `self_video` of their voice state follows, with a
 * VOICE_STATE_UPDATED, as long as the voice state is still the one the room seated (same channel and gateway
 * session). False when nothing changed.
 */
export const setSelfVideo =
  (deps: VoiceDeps) =>
  async (seated: VoiceState, selfVideo: boolean): Promise<boolean> =>
    deps.unitOfWork(async (repositories) => {
      const { voice } = repositories;
      await voice.lockChannels([seated.channelId]);
      const state = await voice.stateOf(seated.userId);
      if (!state || state.channelId !== seated.channelId || state.gatewaySessionId !== seated.gatewaySessionId) return false;
      if (state.selfVideo === selfVideo) return false;
      const updated: VoiceState = { ...state, selfVideo };
      const now = deps.clock.now();
      // An existing row keeps its joined_at; the expiry moves forward as a connected room's refresh would.
      await voice.save(updated, new Date(now), new Date(now + deps.stateTtlMs));
      await repositories.record([voiceStateEvent(updated)]);
      return true;
    });
