import { invalidField } from "../../../shared/kernel/domain-error";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { managedRole, missingPermissions, unknownRole } from "../domain/guild-errors";
import { roleDeleted } from "../domain/guild-events";
import { canManageRole } from "../domain/hierarchy";
import { isEveryone, isManaged } from "../domain/role";
import { ROLE_AUDIT_FIELDS } from "../domain/guild-audit";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, requirePermission } from "./guild-context";

/** Deletes a role below the caller's highest (GUILD_ROLE_DELETE): members lose it, overwrites for it go. Never @everyone. */
export const deleteRole =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork">) =>
  async (userId: Snowflake, guildId: Snowflake, roleId: Snowflake, reason?: string): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_ROLES");
    const role = context.roles.find((candidate) => candidate.id === roleId);
    if (!role) throw unknownRole();
    if (isEveryone(role)) throw invalidField("role_id", "The @everyone role cannot be deleted.");
    if (isManaged(role)) throw managedRole("a bot's managed role goes only when the bot leaves");
    if (!canManageRole(context.actor, role)) throw missingPermissions("the role is not below your highest role");
    await deps.unitOfWork(async (repositories) => {
      await repositories.roles.delete(guildId, roleId);
      await repositories.record([roleDeleted(guildId, roleId)]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.ROLE_DELETE, { targetId: roleId, changes: auditChanges(role, null, ROLE_AUDIT_FIELDS) })]);
    });
  };
