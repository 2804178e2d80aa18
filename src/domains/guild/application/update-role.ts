import { invalidField } from "../../../shared/kernel/domain-error";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions, unknownRole } from "../domain/guild-errors";
import { roleUpdated } from "../domain/guild-events";
import { canManageRole, ungrantable } from "../domain/hierarchy";
import { type Role, isEveryone } from "../domain/role";
import { ROLE_AUDIT_FIELDS } from "../domain/guild-audit";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, requirePermission } from "./guild-context";
import { type RoleInput, checkRoleInput } from "./role-input";

/**
 * Edits a role below the caller's highest (GUILD_ROLE_UPDATE); MANAGE_ROLES. Permissions the role gains must be
 * ones the caller holds. @everyone keeps its name.
 */
export const updateRole =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork">) =>
  async (userId: Snowflake, guildId: Snowflake, roleId: Snowflake, input: RoleInput, reason?: string): Promise<Role> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_ROLES");
    const role = context.roles.find((candidate) => candidate.id === roleId);
    if (!role) throw unknownRole();
    const fields = checkRoleInput(input);
    if (fields.name !== undefined && fields.name !== role.name && isEveryone(role)) {
      throw invalidField("name", "The @everyone role cannot be renamed.");
    }
    if (!canManageRole(context.actor, role)) throw missingPermissions("the role is not below your highest role");
    const permissions = fields.permissions ?? role.permissions;
    const missing = ungrantable(context.actor, permissions & ~role.permissions);
    if (missing !== 0n) throw missingPermissions(missing);
    const updated: Role = {
      ...role,
      name: fields.name ?? role.name,
      color: fields.color ?? role.color,
      permissions,
      hoist: input.hoist ?? role.hoist,
      mentionable: input.mentionable ?? role.mentionable,
    };
    await deps.unitOfWork(async (repositories) => {
      await repositories.roles.update([updated]);
      await repositories.record([roleUpdated(updated)]);
      const changes = auditChanges(role, updated, ROLE_AUDIT_FIELDS);
      if (changes.length > 0) await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.ROLE_UPDATE, { targetId: roleId, changes })]);
    });
    return updated;
  };
