import type { SQLWrapper } from "drizzle-orm";
import type { MessageEvent } from "../../../domains/message/domain/message-events";
import type { MessageRepositories, MessageUnitOfWork, MessageWriteTogether } from "../../../domains/message/domain/message-unit-of-work";
import type { DbExecutor } from "./database";
import { DrizzleAttachmentRepository } from "./drizzle-attachment-repository";
import { DrizzleMessageRepository } from "./drizzle-message-repository";
import { DrizzleReactionRepository } from "./drizzle-reaction-repository";
import { DrizzleReadStateRepository, addMentionsQuery } from "./drizzle-read-state-repository";
import type { Transact, WriteTogether } from "./outbox";

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

/** A new message's writes, collected and committed as one statement (see createWriteTogether). */
export const drizzleMessageWriteTogether =
  (db: DbExecutor, together: WriteTogether): MessageWriteTogether =>
  async (collect) => {
    const statements: SQLWrapper[] = [];
    const events: MessageEvent[] = [];
    const messages = new DrizzleMessageRepository(db);
    collect({
      messages: { insert: (message) => void statements.push(messages.insertQuery(message)) },
      readStates: {
        addMentions(channelId, messageId, userIds) {
          const query = addMentionsQuery(channelId, messageId, userIds);
          if (query) statements.push(query);
        },
      },
      record: (recorded) => void events.push(...recorded),
    });
    await together(statements, events);
  };
