import type { MessageRepositories, MessageUnitOfWork } from "../../../domains/message/domain/message-unit-of-work";
import type { DbExecutor } from "./database";
import { DrizzleAttachmentRepository } from "./drizzle-attachment-repository";
import { DrizzleMessageRepository } from "./drizzle-message-repository";
import { DrizzleReactionRepository } from "./drizzle-reaction-repository";
import { DrizzleReadStateRepository } from "./drizzle-read-state-repository";
import type { Transact } from "./outbox";

/** The message repositories on one executor (a channel's last_message_id is derived from its messages, not written). */
export const drizzleMessageRepositories = (db: DbExecutor): MessageRepositories => ({
  messages: new DrizzleMessageRepository(db),
  reactions: new DrizzleReactionRepository(db),
  attachments: new DrizzleAttachmentRepository(db),
  readStates: new DrizzleReadStateRepository(db),
});

/** The message unit of work: repositories and the outbox bound to one transaction. */
export const drizzleMessageUnitOfWork =
  (transact: Transact): MessageUnitOfWork =>
  (work) =>
    transact((tx, outbox) => work({ ...drizzleMessageRepositories(tx), record: async (events) => void (await outbox.write(tx, events)) }));
