import type { AuditFields, AuditLogChange } from "../../../shared/kernel/audit-log";
import type { Emoji } from "./emoji";
import type { Guild } from "./guild";
import type { Invite } from "./invite";
import type { Member } from "./member";
import type { Role } from "./role";

/*
 * Discord's audit log change keys for the guild domain's objects, each read from the domain object (permissions as
 * the decimal string the API sends). The change lists of the entries are built from these (auditChanges).
 */

export const GUILD_AUDIT_FIELDS: AuditFields<Guild> = {
  name: (guild) => guild.name,
  icon_hash: (guild) => guild.icon,
  owner_id: (guild) => guild.ownerId,
  mfa_level: (guild) => guild.mfaLevel,
};

export const ROLE_AUDIT_FIELDS: AuditFields<Role> = {
  name: (role) => role.name,
  permissions: (role) => role.permissions.toString(),
  color: (role) => role.color,
  hoist: (role) => role.hoist,
  mentionable: (role) => role.mentionable,
};

export const MEMBER_AUDIT_FIELDS: AuditFields<Member> = {
  nick: (member) => member.nick,
};

export const INVITE_AUDIT_FIELDS: AuditFields<Invite> = {
  code: (invite) => invite.code,
  channel_id: (invite) => invite.channelId,
  inviter_id: (invite) => invite.inviterId,
  uses: (invite) => invite.uses,
  max_uses: (invite) => invite.maxUses,
  max_age: (invite) => invite.maxAge,
  temporary: () => false,
};

export const EMOJI_AUDIT_FIELDS: AuditFields<Emoji> = {
  name: (emoji) => emoji.name,
};

/** MEMBER_ROLE_UPDATE's changes, as Discord's: `$add` and `$remove`, each the roles' ids and names. */
export const memberRoleChanges = (added: readonly Role[], removed: readonly Role[]): AuditLogChange[] => [
  ...(added.length > 0 ? [{ key: "$add", new_value: added.map(({ id, name }) => ({ id, name })) }] : []),
  ...(removed.length > 0 ? [{ key: "$remove", new_value: removed.map(({ id, name }) => ({ id, name })) }] : []),
];
