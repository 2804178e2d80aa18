import { eventConsumer } from "../../../shared/kernel/domain-event";
import type { GuildEvent } from "../../guild";
import type { EventStream } from "../../../shared/kernel/ports";
import type { VoiceUseCases } from "./voice-use-cases";

const MEMBERSHIP_GROUP = "voice-membership";

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
  // A removed member (kicked, banned or gone) leaves voice; the membership consumer reads no other event.
  const membership = eventConsumer<GuildEvent>({
    MEMBER_REMOVED: async ({ data }) => void (await deps.useCases.leaveVoice(data.user.id, { guildId: data.guild_id })),
  });
  const stopMembership = await deps.stream.consume({ group: MEMBERSHIP_GROUP, consumer: deps.consumerName, types: membership.types }, membership.handle);
  const expiry = setInterval(() => void deps.useCases.expireVoiceStates().catch((error: unknown) => deps.onError(error, { what: "voice expiry" })), deps.everyMs ?? 5000);
  expiry.unref?.();
  return async () => {
    clearInterval(expiry);
    await stopMembership();
  };
};
