import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { drizzleAuditLogRecorder } from "./drizzle-audit-log";
import type { Unrecorded } from "../../kernel/domain-event";
import { type SQL, sql } from "drizzle-orm";
import type { MessageEvent } from "../../../domains/message/domain/message-events";
import type { NewMessage } from "../../../domains/message/domain/message-repository";
import type { DomainEvent } from "../../kernel/domain-event";
import { createGroupCommit } from "../group-commit";
import { type Db, STATEMENT_POOL_SIZE } from "./database";
import type { MessageRepositories, MessageUnitOfWork, MessageWriteTogether } from "../../../domains/message/domain/message-unit-of-work";
import type { DbExecutor } from "./database";
import { DrizzleAttachmentRepository } from "./drizzle-attachment-repository";
import { DrizzleMessageRepository } from "./drizzle-message-repository";
import { DrizzleReactionRepository } from "./drizzle-reaction-repository";
import { DrizzleReadStateRepository, addMentionsQuery } from "./drizzle-read-state-repository";
import { type OutboxWriter, type Transact, outboxInsertOf, textArrayLiteral } from "./outbox";
import { messages } from "./message-schema";

/** The message repositories on one executor (a channel's last_message_id is derived from its messages, not written). */
export const drizzleMessageRepositories = (db: DbExecutor): MessageRepositories => ({
  messages: new DrizzleMessageRepository(db),
  reactions: new DrizzleReactionRepository(db),
  attachments: new DrizzleAttachmentRepository(db),
  readStates: new DrizzleReadStateRepository(db),
});

/** The message unit of work: repositories, the outbox and the audit log bound to one transaction. */
export const drizzleMessageUnitOfWork =
  (transact: Transact, ids: SnowflakeGenerator, clock: Clock): MessageUnitOfWork =>
  (work) =>
    transact((tx, outbox) =>
      work({ ...drizzleMessageRepositories(tx), record: async (events) => void (await outbox.write(tx, events)), ...drizzleAuditLogRecorder(tx, outbox, ids, clock) }),
    );

/** What one send collected: its message rows, its mention inserts and its events. */
interface CollectedSend {
  readonly messages: NewMessage[];
  readonly mentions: SQL[];
  readonly events: Unrecorded<MessageEvent>[];
  /** The sender's trace (tracing.ts), for its events. */
  readonly trace: string | undefined;
}

/**
 * The INSERT of any number of new messages as one statement of eight array parameters (unnest). Booleans travel
 * as text: postgres-js types a JS array of booleans as one boolean, not boolean[].
 */
const messagesInsertOf = (rows: readonly NewMessage[]): SQL =>
  sql`INSERT INTO ${messages} (id, channel_id, guild_id, author_id, content, mention_ids, mention_everyone, has_attachments)
    SELECT id, channel_id, guild_id, author_id, content, mention_ids::text[], mention_everyone::boolean, has_attachments::boolean
    FROM unnest(${sql.param(rows.map((row) => row.id))}::bigint[], ${sql.param(rows.map((row) => row.channelId))}::bigint[],
      ${sql.param(rows.map((row) => row.guildId))}::bigint[], ${sql.param(rows.map((row) => row.authorId))}::bigint[],
      ${sql.param(rows.map((row) => row.content))}::text[], ${sql.param(rows.map((row) => textArrayLiteral(row.mentionIds)))}::text[],
      ${sql.param(rows.map((row) => String(row.mentionEveryone)))}::text[], ${sql.param(rows.map((row) => String(row.hasAttachments)))}::text[])
      AS m(id, channel_id, guild_id, author_id, content, mention_ids, mention_everyone, has_attachments)`;

/**
 * New messages committed by group commit (see group-commit.ts): the sends in a batch are ONE statement — their
 * messages, their mentions' inbox rows and their outbox rows, each kind a single unnest INSERT, joined by WITH
 * clauses — atomic without BEGIN and COMMIT. Then their events go to `afterCommit` (published and announced) before
 * any of the sends returns. At most STATEMENT_POOL_SIZE batches run at once, one per connection of `db`.
 */
export const drizzleMessageWriteTogether = (
  db: Db,
  writer: OutboxWriter,
  afterCommit: (events: readonly DomainEvent[]) => Promise<void>,
): MessageWriteTogether => {
  const commit = async (sends: readonly CollectedSend[]) => {
    // Each send's events carry its own request's trace, taken when it was collected: the batch commits in one of them.
    const events = sends.flatMap((send) => writer.stamp(send.events, send.trace));
    const rows = sends.flatMap((send) => send.messages);
    const statements = [...(rows.length > 0 ? [messagesInsertOf(rows)] : []), ...sends.flatMap((send) => send.mentions)];
    if (events.length > 0) statements.push(outboxInsertOf(events));
    const last = statements.pop();
    if (!last) return;
    const withs = statements.map((statement, index) => sql`${sql.raw(`w${index}`)} AS (${statement})`);
    await db.execute(withs.length === 0 ? last : sql`WITH ${sql.join(withs, sql`, `)} ${last}`);
    if (events.length > 0) await afterCommit(events);
  };
  const submit = createGroupCommit<CollectedSend>({ commit, inFlight: STATEMENT_POOL_SIZE, maxBatch: MAX_SENDS_PER_STATEMENT });
  return async (collect) => {
    const send: CollectedSend = { messages: [], mentions: [], events: [], trace: writer.traceparent() };
    collect({
      messages: { insert: (message) => void send.messages.push(message) },
      readStates: {
        addMentions(channelId, messageId, userIds) {
          const query = addMentionsQuery(channelId, messageId, userIds);
          if (query) send.mentions.push(query);
        },
      },
      record: (recorded) => void send.events.push(...recorded),
    });
    await submit(send);
  };
};

/** Sends per statement at most: bounds a statement's size (a message is up to 4,000 characters and its event). */
const MAX_SENDS_PER_STATEMENT = 64;
