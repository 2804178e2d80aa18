import type { ChannelUnitOfWork } from "../../../domains/channel/domain/channel-unit-of-work";
import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { drizzleAuditLogRecorder } from "./drizzle-audit-log";
import { DrizzleChannelRepository } from "./drizzle-channel-repository";
import { DrizzleThreadRepository } from "./drizzle-thread-repository";
import type { Transact } from "./outbox";

/** The channel unit of work: the repository and the outbox bound to one transaction. */
export const drizzleChannelUnitOfWork =
  (transact: Transact, ids: SnowflakeGenerator, clock: Clock): ChannelUnitOfWork =>
  (work) =>
    transact((tx, outbox) =>
      work({
        channels: new DrizzleChannelRepository(tx),
        threads: new DrizzleThreadRepository(tx),
        record: async (events) => void (await outbox.write(tx, events)),
        ...drizzleAuditLogRecorder(tx, outbox, ids, clock),
      }),
    );
