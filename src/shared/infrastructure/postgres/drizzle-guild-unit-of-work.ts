import type { GuildReadRepositories, GuildUnitOfWork } from "../../../domains/guild/domain/guild-unit-of-work";
import type { Clock } from "../../kernel/clock";
import type { SnowflakeGenerator } from "../../kernel/snowflake";
import { DrizzleAuditLogRepository, drizzleAuditLogRecorder } from "./drizzle-audit-log";
import type { DbExecutor } from "./database";
import { DrizzleDefaultChannels } from "./drizzle-default-channels";
import { DrizzleEmojiRepository } from "./drizzle-emoji-repository";
import { DrizzleGuildRepository } from "./drizzle-guild-repository";
import { DrizzleInviteRepository } from "./drizzle-invite-repository";
import { DrizzleBanRepository, DrizzleMemberRepository } from "./drizzle-member-repository";
import { DrizzleRoleRepository } from "./drizzle-role-repository";
import type { Transact } from "./outbox";

/** The guild repositories on `db`: the database itself for reads, or a transaction. */
export const drizzleGuildRepositories = (db: DbExecutor): GuildReadRepositories => ({
  guilds: new DrizzleGuildRepository(db),
  roles: new DrizzleRoleRepository(db),
  members: new DrizzleMemberRepository(db),
  bans: new DrizzleBanRepository(db),
  invites: new DrizzleInviteRepository(db),
  emojis: new DrizzleEmojiRepository(db),
  auditLog: new DrizzleAuditLogRepository(db),
});

/** The guild unit of work: repositories, default-channel writer, outbox and audit log all bound to one transaction. */
export const drizzleGuildUnitOfWork =
  (transact: Transact, ids: SnowflakeGenerator, clock: Clock): GuildUnitOfWork =>
  (work) =>
    transact((tx, outbox) =>
      work({
        ...drizzleGuildRepositories(tx),
        channels: new DrizzleDefaultChannels(tx, ids),
        record: async (events) => void (await outbox.write(tx, events)),
        ...drizzleAuditLogRecorder(tx, outbox, ids, clock),
      }),
    );
