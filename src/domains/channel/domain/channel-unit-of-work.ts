import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { DomainEvent, Unrecorded } from "../../../shared/kernel/domain-event";
import type { ChannelEvent } from "./channel-events";
import type { ThreadEvent } from "./thread-events";
import type { ChannelRepository } from "./channel-repository";
import type { ThreadRepository } from "./thread-repository";

/** The channel repository bound to one transaction, with that transaction's outbox and audit log (`audit`). */
export interface ChannelRepositories extends AuditLogRecorder {
  readonly channels: ChannelRepository;
  readonly threads: ThreadRepository;
  /**
   * Records events; they are written to the outbox and commit, or not, with everything else. Another domain's event
   * (a thread's starter message's MESSAGE_UPDATE, which the message domain builds) may be recorded beside them.
   */
  record(events: readonly Unrecorded<ChannelEvent | ThreadEvent | DomainEvent>[]): Promise<void>;
}

/** Runs `work` in one transaction: every write, events included, commits or none. */
export type ChannelUnitOfWork = <T>(work: (repositories: ChannelRepositories) => Promise<T>) => Promise<T>;
