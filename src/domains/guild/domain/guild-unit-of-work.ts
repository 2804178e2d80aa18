import type { AuditLogRecorder } from "../../../shared/kernel/audit-log";
import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { AuditLogRepository } from "./audit-log-repository";
import type { BanRepository, MemberRepository } from "./member-repository";
import type { DefaultChannels } from "./guild-channels";
import type { EmojiRepository } from "./emoji-repository";
import type { GuildEvent } from "./guild-events";
import type { GuildRepository, RoleRepository } from "./guild-repository";
import type { InviteRepository } from "./invite-repository";

/** The guild repositories, for reads outside any transaction. */
export interface GuildReadRepositories {
  readonly guilds: GuildRepository;
  readonly roles: RoleRepository;
  readonly members: MemberRepository;
  readonly bans: BanRepository;
  readonly invites: InviteRepository;
  readonly emojis: EmojiRepository;
  readonly auditLog: AuditLogRepository;
}

/**
 * The same repositories bound to one transaction, with the outbox, the audit log (`audit`) and the channel writer of
 * that transaction.
 */
export interface GuildRepositories extends GuildReadRepositories, AuditLogRecorder {
  readonly channels: DefaultChannels;
  /** Records events; they are written to the outbox and commit, or not, with everything else. */
  record(events: readonly Unrecorded<GuildEvent>[]): Promise<void>;
}

/** Runs `work` in one transaction: every write made through the given repositories, events included, commits or none. */
export type GuildUnitOfWork = <T>(work: (repositories: GuildRepositories) => Promise<T>) => Promise<T>;
