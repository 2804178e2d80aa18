import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { NewDomainEvent } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Moderation, VoiceCall, VoiceState } from "./voice-state";

/** Voice states, calls and moderation inside one transaction. */
export interface VoiceRepository {
  /**
   * Serializes joins and leaves per channel until the transaction ends (so the user limit and "first in starts the
   * call, last out ends it" hold under concurrency). Locks are taken in id order, so two movers cannot deadlock.
   */
  lockChannels(channelIds: readonly Snowflake[]): Promise<void>;
  /** The user's voice state, locked for this transaction. */
  stateOf(userId: Snowflake): Promise<VoiceState | null>;
  participantCount(channelId: Snowflake): Promise<number>;
  /** Inserts or replaces the user's voice state; it lapses at `expiresAt` unless refreshed. */
  save(state: VoiceState, joinedAt: Date, expiresAt: Date): Promise<void>;
  remove(userId: Snowflake): Promise<void>;
  openCall(channelId: Snowflake): Promise<VoiceCall | null>;
  startCall(call: VoiceCall): Promise<void>;
  endCall(call: VoiceCall, endedAt: Date): Promise<VoiceCall>;
  /** Re-homes an open call on another node (its host went away). */
  moveCall(callId: Snowflake, nodeId: number, endpoint: string): Promise<void>;
  moderation(guildId: Snowflake, userId: Snowflake): Promise<Moderation>;
  setModeration(guildId: Snowflake, userId: Snowflake, moderation: Moderation): Promise<void>;
}

export interface VoiceRepositories extends AuditLogRecorder {
  readonly voice: VoiceRepository;
  /** Records events; they commit, or not, with everything else. */
  record(events: readonly NewDomainEvent[]): Promise<void>;
}

/** Runs `work` in one transaction. */
export type VoiceUnitOfWork = <T>(work: (repositories: VoiceRepositories) => Promise<T>) => Promise<T>;

/** Reads and maintenance outside a transaction. */
export interface VoiceQueries {
  stateOf(userId: Snowflake): Promise<VoiceState | null>;
  statesInGuild(guildId: Snowflake): Promise<VoiceState[]>;
  /** Voice states of the users' guilds, for READY. */
  statesInGuilds(guildIds: readonly Snowflake[]): Promise<VoiceState[]>;
  openCall(channelId: Snowflake): Promise<VoiceCall | null>;
  /** Voice states joined through this identity session (login). */
  statesOfAuthSession(authSessionId: string): Promise<VoiceState[]>;
  /** Moves the expiry of these users' voice states (connected to a room) forward. */
  refresh(userIds: readonly Snowflake[], expiresAt: Date): Promise<void>;
  /** Voice states whose expiry passed, oldest first. */
  expired(now: Date, limit: number): Promise<VoiceState[]>;
}
