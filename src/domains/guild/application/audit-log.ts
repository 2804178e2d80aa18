import type { AuditLogEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserProfile } from "../../../shared/kernel/users";
import type { AuditLogQuery } from "../domain/audit-log-repository";
import { AuditLogEvent } from "../../../shared/kernel/audit-log";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, profilesOf, requirePermission } from "./guild-context";

/** A page of a guild's audit log and the users it names (Discord's `users`: the actors and the members acted on). */
export interface AuditLogView {
  readonly entries: readonly AuditLogEntry[];
  readonly users: readonly UserProfile[];
}

/** The actions whose target is a user. */
const USER_TARGETS: ReadonlySet<number> = new Set([
  AuditLogEvent.MEMBER_KICK,
  AuditLogEvent.MEMBER_BAN_ADD,
  AuditLogEvent.MEMBER_BAN_REMOVE,
  AuditLogEvent.MEMBER_UPDATE,
  AuditLogEvent.MEMBER_ROLE_UPDATE,
  AuditLogEvent.MEMBER_MOVE,
  AuditLogEvent.MEMBER_DISCONNECT,
  AuditLogEvent.BOT_ADD,
  AuditLogEvent.MESSAGE_DELETE,
]);

/** A page of a guild's audit log, newest first (Discord's GET /guilds/{id}/audit-logs); VIEW_AUDIT_LOG. */
export const listAuditLog =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, query: AuditLogQuery): Promise<AuditLogView> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "VIEW_AUDIT_LOG");
    const entries = await deps.repositories.auditLog.list(guildId, query);
    const named = entries.flatMap((entry) => (entry.targetId !== null && USER_TARGETS.has(entry.actionType) ? [entry.userId, entry.targetId] : [entry.userId]));
    const users = await profilesOf(deps.users, named);
    return { entries, users: [...users.values()] };
  };
