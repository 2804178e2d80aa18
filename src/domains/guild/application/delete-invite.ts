import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import { unknownInvite } from "../domain/guild-errors";
import { permissionRefusal } from "../../../shared/kernel/common-errors";
import { inviteDeleted } from "../domain/guild-events";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { INVITE_AUDIT_FIELDS } from "../domain/guild-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext } from "./guild-context";

/** Revokes an invite (INVITE_DELETE); its creator may, and so may anyone with MANAGE_GUILD. */
export const deleteInvite =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork">) =>
  async (userId: Snowflake, code: string, reason?: string): Promise<void> => {
    const invite = await deps.repositories.invites.find(code);
    if (!invite) throw unknownInvite();
    const context = await loadGuildContext(deps.repositories, invite.guildId, userId);
    if (invite.inviterId !== userId && !hasPermission(context.actor.permissions, Permission.MANAGE_GUILD)) {
      throw permissionRefusal("MANAGE_GUILD", context.actor.withheld);
    }
    await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.invites.delete(code))) throw unknownInvite();
      await repositories.record([inviteDeleted(invite.guildId, code, invite.channelId)]);
      await repositories.audit([auditEntry({ userId, reason }, invite.guildId, AuditLogEvent.INVITE_DELETE, { changes: auditChanges(invite, null, INVITE_AUDIT_FIELDS) })]);
    });
  };
