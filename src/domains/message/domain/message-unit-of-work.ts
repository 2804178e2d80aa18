import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { AttachmentRepository } from "./attachment-repository";
import type { MessageEvent } from "./message-events";
import type { MessageRepository, NewMessage } from "./message-repository";
import type { ReactionRepository } from "./reaction-repository";
import type { ReadStateRepository } from "./read-state-repository";

/** The message repositories, bound to one database transaction or to the database itself. */
export interface MessageRepositories {
  readonly messages: MessageRepository;
  readonly reactions: ReactionRepository;
  readonly attachments: AttachmentRepository;
  readonly readStates: ReadStateRepository;
}

/** Runs `work` in one transaction: every write, events (`record`) and audit log entries (`audit`) included, commits or none. */
export type MessageUnitOfWork = <T>(
  work: (repositories: MessageRepositories & AuditLogRecorder & { record(events: readonly Unrecorded<MessageEvent>[]): Promise<void> }) => Promise<T>,
) => Promise<T>;

/**
 * Writes that read nothing back: a new message, its mention inbox rows and its events. The transactional
 * repositories above satisfy it, and so does the collector of `MessageWriteTogether`.
 */
export interface NewMessageWrites {
  readonly messages: { insert(message: NewMessage): void | Promise<void> };
  readonly readStates: { addMentions(channelId: Snowflake, messageId: Snowflake, userIds: readonly Snowflake[]): void | Promise<void> };
  record(events: readonly Unrecorded<MessageEvent>[]): void | Promise<void>;
}

/**
 * Commits what `collect` writes, all or nothing, in one round trip to the database where the store allows: for the
 * sends that need no answer from the database in between (no nonce to claim, no attachments to take), which are
 * most of them.
 */
export type MessageWriteTogether = (collect: (writes: NewMessageWrites) => void) => Promise<void>;
