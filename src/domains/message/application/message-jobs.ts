import { type DomainEvent, eventConsumer } from "../../../shared/kernel/domain-event";
import type { GuildEvent } from "../../guild";
import type { EventStream } from "../../../shared/kernel/ports";
import type { MessageUseCases } from "./message-use-cases";

type EventHandler = (event: DomainEvent) => Promise<void>;

const BAN_CLEANUP_GROUP = "message.ban-cleanup";

export interface MessageJobsDeps {
  readonly useCases: Pick<MessageUseCases, "deleteBannedUserMessages" | "purgeUnused">;
  /** Where BAN_ADDED arrives from. */
  readonly stream: EventStream;
  /** Makes a consumer group's handler take effect once per event (the relay delivers at least once). */
  readonly once: (group: string, handler: EventHandler) => EventHandler;
  /** This node's name in consumer groups. */
  readonly consumerName: string;
  /** How often unused uploads and expired nonces are purged. */
  readonly purgeIntervalMs?: number;
  readonly onError: (error: unknown, what: string) => void;
}

/**
 * The message domain's background work (worker nodes run it): deleting a banned user's recent messages on
 * BAN_ADDED, and purging unused uploads and expired nonces. Resolves, once the consumer is registered, with
 * the stopper.
 */
export const startMessageJobs = async (deps: MessageJobsDeps): Promise<() => Promise<void>> => {
  const banCleanup = eventConsumer<GuildEvent>({ BAN_ADDED: async (event) => void (await deps.useCases.deleteBannedUserMessages(event)) });
  const handle = deps.once(BAN_CLEANUP_GROUP, banCleanup.handle);
  const stopBanCleanup = await deps.stream.consume({ group: BAN_CLEANUP_GROUP, consumer: deps.consumerName, types: banCleanup.types }, handle);
  const purge = setInterval(
    () => void deps.useCases.purgeUnused().catch((error: unknown) => deps.onError(error, "attachment purge")),
    deps.purgeIntervalMs ?? 10 * 60_000,
  );
  purge.unref?.();
  return async () => {
    clearInterval(purge);
    await stopBanCleanup();
  };
};
