import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions } from "../domain/guild-errors";
import { roleCreated } from "../domain/guild-events";
import { ungrantable } from "../domain/hierarchy";
import { LOWEST_POSITION, type Role, checkRoleCount, isEveryone } from "../domain/role";
import { ROLE_AUDIT_FIELDS } from "../domain/guild-audit";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, requirePermission } from "./guild-context";
import { type RoleInput, checkRoleInput } from "./role-input";

/**
 * Creates a role (GUILD_ROLE_CREATE) at the bottom of the hierarchy, just above @everyone; its permissions default to
 * @everyone's, as Discord's do, and may only hold bits the caller has. MANAGE_ROLES; at most 250 roles per guild.
 */
export const createRole =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "ids">) =>
  async (userId: Snowflake, guildId: Snowflake, input: RoleInput, reason?: string): Promise<Role> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_ROLES");
    const fields = checkRoleInput(input);
    const everyone = context.roles.find(isEveryone);
    const permissions = fields.permissions ?? everyone?.permissions ?? 0n;
    const missing = ungrantable(context.actor, permissions);
    if (missing !== 0n) throw missingPermissions(missing);
    checkRoleCount(context.roles.length);
    const role: Role = {
      id: deps.ids.next(),
      guildId,
      name: fields.name ?? "new role",
      color: fields.color ?? 0,
      position: LOWEST_POSITION,
      permissions,
      hoist: input.hoist ?? false,
      mentionable: input.mentionable ?? false,
    };
    await deps.unitOfWork(async (repositories) => {
      await repositories.roles.insert(role);
      await repositories.record([roleCreated(role)]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.ROLE_CREATE, { targetId: role.id, changes: auditChanges(null, role, ROLE_AUDIT_FIELDS) })]);
    });
    return role;
  };
