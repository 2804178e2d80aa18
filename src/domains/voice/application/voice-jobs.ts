import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { EventStream } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { VoiceUseCases } from "./voice-use-cases";

const MEMBERSHIP_GROUP = "voice-membership";
/** A removed member leaves voice; the membership consumer reads no other event. */
const MEMBERSHIP_EVENTS: ReadonlySet<string> = new Set(["GUILD_MEMBER_REMOVE"]);

export interface VoiceSweepDeps {
  /** The durable event stream: members who leave a guild leave its voice channels. */
  readonly stream: EventStream;
  /** This node's name in consumer groups. */
  readonly consumerName: string;
  readonly useCases: Pick<VoiceUseCases, "leaveVoice" | "expireVoiceStates">;
  /** How often abandoned voice states are expired. */
  readonly everyMs?: number;
  readonly onError: (error: unknown, context: Record<string, unknown>) => void;
}

/**
 * The voice domain's background work (worker nodes run it): the consumer that takes members removed from a guild
 * (kicked, banned or gone) out of its voice channels, and the expiry of abandoned voice states. Resolves, once the
 * consumer is registered, with the stopper.
 */
export const startVoiceSweep = async (deps: VoiceSweepDeps): Promise<() => Promise<void>> => {
  const onMembership = async (event: DomainEvent) => {
    if (!MEMBERSHIP_EVENTS.has(event.type)) return;
    const data = event.data as { guild_id: Snowflake; user: { id: Snowflake } };
    await deps.useCases.leaveVoice(data.user.id, { guildId: data.guild_id });
  };
  const stopMembership = await deps.stream.consume({ group: MEMBERSHIP_GROUP, consumer: deps.consumerName, types: MEMBERSHIP_EVENTS }, onMembership);
  const expiry = setInterval(() => void deps.useCases.expireVoiceStates().catch((error: unknown) => deps.onError(error, { what: "voice expiry" })), deps.everyMs ?? 5000);
  expiry.unref?.();
  return async () => {
    clearInterval(expiry);
    await stopMembership();
  };
};
