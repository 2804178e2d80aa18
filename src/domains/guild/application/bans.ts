import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Ban, checkDeleteMessageSeconds, normalizeReason } from "../domain/ban";
import { outranked, unknownBan } from "../domain/guild-errors";
import { banAdded, banRemoved, memberRemoved } from "../domain/guild-events";
import { userPayload } from "../../../shared/kernel/users";
import { canActOn, standingOf } from "../domain/hierarchy";
import type { UserProfile } from "../../../shared/kernel/users";
import { checkFields } from "../../../shared/kernel/field-checks";
import type { GuildDeps } from "./guild-deps";
import { dropManagedRoles } from "./managed-roles";
import { loadGuildContext, profileOf, profilesOf, requirePermission } from "./guild-context";

/** A ban with the banned account's profile. */
export interface BanView {
  readonly ban: Ban;
  readonly user: UserProfile;
}

/** A guild's bans, oldest first; BAN_MEMBERS. */
export const listBans =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<BanView[]> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "BAN_MEMBERS");
    const bans = await deps.repositories.bans.list(guildId);
    const users = await profilesOf(
      deps.users,
      bans.map((ban) => ban.userId),
    );
    return bans.flatMap((ban) => {
      const user = users.get(ban.userId);
      return user ? [{ ban, user }] : [];
    });
  };

export interface BanInput {
  readonly deleteMessageSeconds?: number;
  readonly reason?: string | null;
}

/**
 * Bans a user, member or not (GUILD_BAN_ADD, and GUILD_MEMBER_REMOVE when they were a member); BAN_MEMBERS, and a
 * member must rank below the caller. The event carries `delete_message_seconds` for the message domain to act on.
 */
export const banUser =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "clock">) =>
  async (userId: Snowflake, guildId: Snowflake, targetId: Snowflake, input: BanInput, auditReason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "BAN_MEMBERS");
    const fields = checkFields({
      reason: () => normalizeReason(input.reason),
      deleteMessageSeconds: () => checkDeleteMessageSeconds(input.deleteMessageSeconds ?? 0),
    });
    const user = await profileOf(deps.users, targetId);
    const member = await deps.repositories.members.find(guildId, targetId);
    // Hierarchy only ranks members; anyone else (who cannot be the owner) may be banned pre-emptively.
    if (member && !canActOn(context.actor, standingOf(context.guild, context.roles, member))) throw outranked("the member's highest role");
    // X-Audit-Log-Reason is Discord's way to give a ban its reason; the body's `reason` is its older one.
    const reason = auditReason ?? fields.reason ?? undefined;
    const ban: Ban = { guildId, userId: targetId, reason: reason ?? null, createdAt: new Date(deps.clock.now()) };
    await deps.unitOfWork(async (repositories) => {
      await repositories.bans.put(ban);
      const removed = await repositories.members.delete(guildId, targetId);
      await repositories.record([
        ...(removed ? [memberRemoved(guildId, userPayload(user)), ...(await dropManagedRoles(repositories, guildId, user))] : []),
        banAdded(guildId, userPayload(user), fields.deleteMessageSeconds),
      ]);
      const days = Math.floor(fields.deleteMessageSeconds / 86_400);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.MEMBER_BAN_ADD, { targetId, ...(days > 0 ? { options: { delete_member_days: String(days) } } : {}) })]);
    });
  };

/** Lifts a ban (GUILD_BAN_REMOVE); BAN_MEMBERS; a 404 when the user was not banned. */
export const unbanUser =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, targetId: Snowflake, reason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "BAN_MEMBERS");
    if (!(await deps.repositories.bans.find(guildId, targetId))) throw unknownBan();
    const user = await profileOf(deps.users, targetId);
    await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.bans.delete(guildId, targetId))) throw unknownBan();
      await repositories.record([banRemoved(guildId, userPayload(user))]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.MEMBER_BAN_REMOVE, { targetId })]);
    });
  };
