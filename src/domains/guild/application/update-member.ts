import { invalidField } from "../../../shared/kernel/domain-error";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { managedRole, missingPermissions, outranked } from "../domain/guild-errors";
import { memberUpdated } from "../domain/guild-events";
import { memberPayload } from "../domain/guild-payloads";
import { canActOn, canManageRole } from "../domain/hierarchy";
import { type Member, normalizeNick } from "../domain/member";
import type { MemberVoiceChange } from "../domain/member-voice";
import { isEveryone, isManaged } from "../domain/role";
import { MEMBER_AUDIT_FIELDS, memberRoleChanges } from "../domain/guild-audit";
import { checkFields } from "../../../shared/kernel/field-checks";
import { type GuildContext, loadGuildContext, loadTarget, profileOf, requirePermission } from "./guild-context";
import type { GuildDeps } from "./guild-deps";
import type { MemberView } from "./list-members";

/** Fields left undefined stay as they are; a null or empty nick clears it; `roles` replaces the member's role set. */
export interface UpdateMemberInput {
  readonly nick?: string | null;
  readonly roles?: readonly Snowflake[];
  /** Server mute, deafen or disconnect, as Discord's member PATCH takes them; the voice domain applies them. */
  readonly voice?: MemberVoiceChange;
}

const hasVoiceChange = (voice: MemberVoiceChange | undefined): voice is MemberVoiceChange =>
  voice !== undefined && (voice.mute !== undefined || voice.deaf !== undefined || voice.disconnect === true);

/** The role ids of a new role set: each must be a role of the guild other than @everyone. */
const checkRoleSet = (context: GuildContext, ids: readonly Snowflake[]): Snowflake[] => {
  const byId = new Map(context.roles.map((role) => [role.id, role]));
  for (const id of ids) {
    const role = byId.get(id);
    if (!role || isEveryone(role)) throw invalidField("roles", `Unknown role ${id}.`);
  }
  return [...new Set(ids)];
};

/**
 * Changes a member's nickname and/or roles (GUILD_MEMBER_UPDATE). One's own nick needs CHANGE_NICKNAME, another's
 * MANAGE_NICKNAMES; roles need MANAGE_ROLES, and every role added or removed must be below the caller's highest.
 * Editing someone else also needs them to rank below the caller (the owner is exempt).
 */
export const updateMember =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "memberVoice">) =>
  async (userId: Snowflake, guildId: Snowflake, memberId: Snowflake, input: UpdateMemberInput, reason?: string): Promise<MemberView> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const target = await loadTarget(deps.repositories, context, memberId);
    const self = memberId === userId;
    const fields = checkFields({
      nick: () => (input.nick === undefined ? undefined : normalizeNick(input.nick)),
      roles: () => (input.roles === undefined ? undefined : checkRoleSet(context, input.roles)),
    });
    const current = target.member;
    const nickChanged = fields.nick !== undefined && fields.nick !== current.nick;
    const before = new Set(current.roleIds);
    const after = new Set(fields.roles ?? current.roleIds);
    const changedRoles = context.roles.filter((role) => before.has(role.id) !== after.has(role.id));

    const managed = changedRoles.find(isManaged);
    if (managed) throw managedRole(`role ${managed.id} is a bot's managed role and cannot be given or taken`);
    if (nickChanged) requirePermission(context, self ? "CHANGE_NICKNAME" : "MANAGE_NICKNAMES");
    if (fields.roles !== undefined) requirePermission(context, "MANAGE_ROLES");
    if (!self && (nickChanged || changedRoles.length > 0) && !canActOn(context.actor, target.standing)) throw outranked("the member's highest role");
    for (const role of changedRoles) {
      if (!canManageRole(context.actor, role)) throw missingPermissions(`role ${role.id} is not below your highest role`);
    }

    const updated: Member = { ...current, nick: nickChanged ? (fields.nick ?? null) : current.nick, roleIds: [...after] };
    const user = await profileOf(deps.users, memberId);
    // Every check of the nick and roles has passed: the voice change goes first, because it checks its own
    // permissions where the member is in voice, so a refusal there leaves nothing half written.
    if (hasVoiceChange(input.voice)) {
      if (!deps.memberVoice) throw invalidField("mute", "Voice is not available on this server.");
      await deps.memberVoice(userId, guildId, memberId, { ...input.voice, reason });
    }
    if (nickChanged || changedRoles.length > 0) {
      await deps.unitOfWork(async (repositories) => {
        await repositories.members.update(updated);
        await repositories.record([memberUpdated(guildId, memberPayload(updated, user))]);
        // Discord logs a nick change as MEMBER_UPDATE and a role change as MEMBER_ROLE_UPDATE, one entry each.
        const actor = { userId, reason };
        const nick = auditChanges(current, updated, MEMBER_AUDIT_FIELDS);
        const added = changedRoles.filter((role) => after.has(role.id));
        const removed = changedRoles.filter((role) => before.has(role.id));
        await repositories.audit([
          ...(nick.length > 0 ? [auditEntry(actor, guildId, AuditLogEvent.MEMBER_UPDATE, { targetId: memberId, changes: nick })] : []),
          ...(changedRoles.length > 0 ? [auditEntry(actor, guildId, AuditLogEvent.MEMBER_ROLE_UPDATE, { targetId: memberId, changes: memberRoleChanges(added, removed) })] : []),
        ]);
      });
    }
    return { member: updated, user };
  };
