import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { AttachmentRepository } from "./attachment-repository";
import type { MessageEvent } from "./message-events";
import type { MessageRepository } from "./message-repository";
import type { ReactionRepository } from "./reaction-repository";
import type { ReadStateRepository } from "./read-state-repository";

/** The message repositories, bound to one database transaction or to the database itself. */
export interface MessageRepositories {
  readonly messages: MessageRepository;
  readonly reactions: ReactionRepository;
  readonly attachments: AttachmentRepository;
  readonly readStates: ReadStateRepository;
}

/** Runs `work` in one transaction: every write, events included (`record`), commits or none. */
export type MessageUnitOfWork = <T>(
  work: (repositories: MessageRepositories & { record(events: readonly MessageEvent[]): Promise<void> }) => Promise<T>,
) => Promise<T>;
