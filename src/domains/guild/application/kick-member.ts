import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { outranked, unknownMember } from "../domain/guild-errors";
import { memberRemoved } from "../domain/guild-events";
import { userPayload } from "../../../shared/kernel/users";
import { canActOn } from "../domain/hierarchy";
import type { GuildDeps } from "./guild-deps";
import { dropManagedRoles } from "./managed-roles";
import { loadGuildContext, loadTarget, profileOf, requirePermission } from "./guild-context";

/** Removes a member from a guild (GUILD_MEMBER_REMOVE); KICK_MEMBERS, and they must rank below the caller; audited (MEMBER_KICK). */
export const kickMember =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, memberId: Snowflake, reason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "KICK_MEMBERS");
    const target = await loadTarget(deps.repositories, context, memberId);
    if (!canActOn(context.actor, target.standing)) throw outranked("the member's highest role");
    const user = await profileOf(deps.users, memberId);
    await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.members.delete(guildId, memberId))) throw unknownMember();
      await repositories.record([memberRemoved(guildId, userPayload(user)), ...(await dropManagedRoles(repositories, guildId, user))]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.MEMBER_KICK, { targetId: memberId })]);
    });
  };
