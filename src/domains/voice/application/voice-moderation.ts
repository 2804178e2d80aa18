import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type VoiceState, voiceStateEvent } from "../domain/voice-state";
import type { VoiceDeps } from "./voice-deps";
import { leaveVoice } from "./voice-state-updates";

export interface ModerationRequest {
  readonly mute?: boolean;
  readonly deaf?: boolean;
  /** Only null: disconnect the member from voice. */
  readonly disconnect?: boolean;
  /** X-Audit-Log-Reason, for the audit log. */
  readonly reason?: string;
}

/** A member's voice standing in a guild: server mute/deafen, and the channel they are in (null when none). */
export interface MemberVoice {
  readonly guild_id: Snowflake;
  readonly user_id: Snowflake;
  readonly channel_id: Snowflake | null;
  readonly mute: boolean;
  readonly deaf: boolean;
}

const requirePermission = (permissions: bigint, bit: bigint, name: string) => {
  if (!hasPermission(permissions, bit)) throw new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${name}`);
};

/** The caller's guild-level permissions: 404 for an unknown guild, 403 50001 for a non-member (API.md). */
const memberPermissions = async (deps: VoiceDeps, userId: Snowflake, guildId: Snowflake): Promise<bigint> => {
  const standing = await deps.guildStanding(userId, guildId);
  if (!standing) throw new DomainError(ErrorCode.UNKNOWN_GUILD, "Unknown Guild");
  if (!standing.member) throw new DomainError(ErrorCode.MISSING_ACCESS, "Missing Access");
  return standing.permissions;
};

/** The actor's permissions where the target is: in their voice channel when they are in one, else guild-wide. */
const actorPermissions = async (deps: VoiceDeps, actorId: Snowflake, guildId: Snowflake, state: VoiceState | null): Promise<bigint> => {
  const guildWide = await memberPermissions(deps, actorId, guildId);
  if (!state) return guildWide;
  return (await deps.resolveChannel(actorId, state.channelId))?.permissions ?? 0n;
};

/**
 * Server mute (MUTE_MEMBERS), deafen (DEAFEN_MEMBERS) and disconnect (MOVE_MEMBERS) of a guild member. Mute and
 * deafen stick to the member across calls; when they are in voice, VOICE_STATE_UPDATED carries the change and the
 * room pauses their producer or consumers.
 */
export const moderateVoice =
  (deps: VoiceDeps) =>
  async (actorId: Snowflake, guildId: Snowflake, targetId: Snowflake, request: ModerationRequest): Promise<MemberVoice> => {
    await memberPermissions(deps, actorId, guildId);
    if (!(await deps.guildStanding(targetId, guildId))?.member) throw new DomainError(ErrorCode.UNKNOWN_MEMBER, "Unknown Member");
    const current = await deps.queries.stateOf(targetId);
    const inGuild = current?.guildId === guildId ? current : null;
    const permissions = await actorPermissions(deps, actorId, guildId, inGuild);
    if (request.mute !== undefined) requirePermission(permissions, Permission.MUTE_MEMBERS, "MUTE_MEMBERS");
    if (request.deaf !== undefined) requirePermission(permissions, Permission.DEAFEN_MEMBERS, "DEAFEN_MEMBERS");
    if (request.disconnect) requirePermission(permissions, Permission.MOVE_MEMBERS, "MOVE_MEMBERS");

    const actor = { userId: actorId, reason: request.reason };
    const result = await deps.unitOfWork(async (repositories) => {
      const { voice } = repositories;
      if (inGuild) await voice.lockChannels([inGuild.channelId]);
      const previous = await voice.moderation(guildId, targetId);
      const moderation = { mute: request.mute ?? previous.mute, deaf: request.deaf ?? previous.deaf };
      await voice.setModeration(guildId, targetId, moderation);
      const state = await voice.stateOf(targetId);
      if (state?.guildId !== guildId) return { moderation, channelId: null };
      if (state.mute !== moderation.mute || state.deaf !== moderation.deaf) {
        const updated = { ...state, ...moderation };
        const now = new Date(deps.clock.now());
        await voice.save(updated, now, new Date(now.getTime() + deps.stateTtlMs));
        await repositories.record([voiceStateEvent(updated)]);
      }
      const changes = auditChanges(previous, moderation, { mute: (m) => m.mute, deaf: (m) => m.deaf });
      if (changes.length > 0) await repositories.audit([auditEntry(actor, guildId, AuditLogEvent.MEMBER_UPDATE, { targetId, changes })]);
      return { moderation, channelId: state.channelId };
    });
    let channelId = result.channelId;
    // Discord's MEMBER_DISCONNECT names no target, only how many were disconnected.
    const disconnected = auditEntry(actor, guildId, AuditLogEvent.MEMBER_DISCONNECT, { options: { count: "1" } });
    if (request.disconnect && (await leaveVoice(deps)(targetId, { guildId }, [disconnected]))) channelId = null;
    return { guild_id: guildId, user_id: targetId, channel_id: channelId, ...result.moderation };
  };

/** The voice states of a guild in channels the caller can see; members only. */
export const listVoiceStates =
  (deps: VoiceDeps) =>
  async (viewerId: Snowflake, guildId: Snowflake): Promise<VoiceState[]> => {
    await memberPermissions(deps, viewerId, guildId);
    const states = await deps.queries.statesInGuild(guildId);
    const channelIds = [...new Set(states.map((state) => state.channelId))];
    const visible = new Set<Snowflake>();
    await Promise.all(
      channelIds.map(async (channelId) => {
        const resolved = await deps.resolveChannel(viewerId, channelId);
        if (resolved && hasPermission(resolved.permissions, Permission.VIEW_CHANNEL)) visible.add(channelId);
      }),
    );
    return states.filter((state) => visible.has(state.channelId));
  };

/** Removes voice states no connected voice socket refreshed in time (a client or node that went away). */
export const expireVoiceStates =
  (deps: VoiceDeps) =>
  async (limit = 100): Promise<number> => {
    const expired = await deps.queries.expired(new Date(deps.clock.now()), limit);
    let removed = 0;
    for (const state of expired) {
      if (await leaveVoice(deps)(state.userId, { gatewaySessionId: state.gatewaySessionId, guildId: state.guildId })) removed += 1;
    }
    return removed;
  };
