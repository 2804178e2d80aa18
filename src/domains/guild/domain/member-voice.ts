import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A server voice change of Discord's member PATCH: mute, deafen, and (only null) disconnect. */
export interface MemberVoiceChange {
  readonly mute?: boolean;
  readonly deaf?: boolean;
  /** True for `channel_id: null`: disconnect the member from voice. */
  readonly disconnect?: boolean;
  /** X-Audit-Log-Reason, for the voice domain's audit log entries. */
  readonly reason?: string;
}

/**
 * Server voice moderation, owned by the voice domain (it checks MUTE_MEMBERS, DEAFEN_MEMBERS and MOVE_MEMBERS where
 * the member is, and applies the change); the member PATCH hands it the voice fields Discord's libraries send there.
 */
export type MemberVoiceModeration = (actorId: Snowflake, guildId: Snowflake, memberId: Snowflake, change: MemberVoiceChange) => Promise<unknown>;
