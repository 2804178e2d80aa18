import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { ChannelEvent } from "./channel-events";
import type { ThreadEvent } from "./thread-events";
import type { ChannelRepository } from "./channel-repository";
import type { ThreadRepository } from "./thread-repository";

/** The channel repository bound to one transaction, with that transaction's outbox and audit log (`audit`). */
export interface ChannelRepositories extends AuditLogRecorder {
  readonly channels: ChannelRepository;
  readonly threads: ThreadRepository;
  /** Records events; they are written to the outbox and commit, or not, with everything else. */
  record(events: readonly Unrecorded<ChannelEvent | ThreadEvent>[]): Promise<void>;
}

/** Runs `work` in one transaction: every write, events included, commits or none. */
export type ChannelUnitOfWork = <T>(work: (repositories: ChannelRepositories) => Promise<T>) => Promise<T>;
