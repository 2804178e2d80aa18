import { invalidField } from "../../../shared/kernel/domain-error";
import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { managedRole, missingPermissions, outranked, unknownRole } from "../domain/guild-errors";
import { memberUpdated } from "../domain/guild-events";
import { memberPayload } from "../domain/guild-payloads";
import { canActOn, canManageRole } from "../domain/hierarchy";
import type { Member } from "../domain/member";
import { isEveryone, isManaged } from "../domain/role";
import { memberRoleChanges } from "../domain/guild-audit";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, loadTarget, profileOf, requirePermission } from "./guild-context";

type Change = "add" | "remove";

/** Gives or takes one role (GUILD_MEMBER_UPDATE when it changed anything); MANAGE_ROLES and hierarchy. */
const changeMemberRole =
  (change: Change) =>
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, memberId: Snowflake, roleId: Snowflake, reason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_ROLES");
    const role = context.roles.find((candidate) => candidate.id === roleId);
    if (!role) throw unknownRole();
    if (isEveryone(role)) throw invalidField("role_id", "Every member holds @everyone implicitly.");
    if (isManaged(role)) throw managedRole("a bot's managed role cannot be given or taken");
    const target = await loadTarget(deps.repositories, context, memberId);
    if (memberId !== userId && !canActOn(context.actor, target.standing)) throw outranked("the member's highest role");
    if (!canManageRole(context.actor, role)) throw missingPermissions("the role is not below your highest role");
    const user = await profileOf(deps.users, memberId);
    await deps.unitOfWork(async (repositories) => {
      const changed =
        change === "add"
          ? await repositories.members.addRole(guildId, memberId, roleId)
          : await repositories.members.removeRole(guildId, memberId, roleId);
      if (!changed) return;
      const others = target.member.roleIds.filter((id) => id !== roleId);
      const updated: Member = { ...target.member, roleIds: change === "add" ? [...others, roleId] : others };
      await repositories.record([memberUpdated(guildId, memberPayload(updated, user))]);
      const changes = change === "add" ? memberRoleChanges([role], []) : memberRoleChanges([], [role]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.MEMBER_ROLE_UPDATE, { targetId: memberId, changes })]);
    });
  };

/** Gives a member a role; MANAGE_ROLES, the role below the caller's highest, the member too (unless it is the caller). */
export const addMemberRole = changeMemberRole("add");

/** Takes a role from a member under the same rules as giving it. */
export const removeMemberRole = changeMemberRole("remove");
