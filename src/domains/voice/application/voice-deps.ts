import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake, SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { VoiceQueries, VoiceUnitOfWork } from "../domain/voice-repository";
import type { VoiceNodes } from "./voice-nodes";
import type { VoiceTokens } from "./voice-tokens";

/** A channel as the voice domain sees it, with what one user may do there (from the channel domain). */
export interface ResolvedVoiceChannel {
  readonly id: Snowflake;
  /** Null for DMs. */
  readonly guildId: Snowflake | null;
  /** Discord's channel type; voice is 2. */
  readonly type: number;
  readonly userLimit: number;
  /** Zero when the user cannot see the channel (or is not a member of its guild). */
  readonly permissions: bigint;
}

export interface VoiceDeps {
  readonly unitOfWork: VoiceUnitOfWork;
  readonly queries: VoiceQueries;
  /** The channel and the user's permissions in it; null when the channel does not exist. */
  readonly resolveChannel: (userId: Snowflake, channelId: Snowflake) => Promise<ResolvedVoiceChannel | null>;
  /** The user's place in a guild (guild-level permissions; zero for non-members), or null when the guild does not exist. */
  readonly guildStanding: (userId: Snowflake, guildId: Snowflake) => Promise<{ member: boolean; permissions: bigint } | null>;
  readonly nodes: VoiceNodes;
  readonly tokens: VoiceTokens;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  /** How long a voice state lives without a connected voice socket refreshing it. */
  readonly stateTtlMs: number;
  /** The most participants one room takes, whatever a channel's user limit says. */
  readonly roomCapacity: number;
}
