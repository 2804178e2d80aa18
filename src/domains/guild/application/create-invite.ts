import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { INVITE_AUDIT_FIELDS } from "../domain/guild-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingAccess, missingPermissions, unknownChannel, unknownGuild } from "../domain/guild-errors";
import { inviteCreated } from "../domain/guild-events";
import type { InvitePayload } from "../domain/guild-payloads";
import { type InviteOptions, generateInviteCode, newInvite } from "../domain/invite";
import type { GuildDeps } from "./guild-deps";
import { describeInvite } from "./invite-view";

/** Text (0) and voice (2) channels take invites; DMs and categories do not. */
const INVITABLE_TYPES = new Set([0, 2]);
/** A 10-character base62 code collides with odds of about 2^-59 per existing invite; retrying is for form's sake. */
const CODE_ATTEMPTS = 3;

/**
 * Creates an invite to a channel's guild (INVITE_CREATE); CREATE_INSTANT_INVITE in that channel. max_age defaults
 * to a day (0: never expires), max_uses to unlimited (0).
 */
export const createInvite =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "channels" | "clock" | "random">) =>
  async (userId: Snowflake, channelId: Snowflake, options: InviteOptions, reason?: string): Promise<InvitePayload> => {
    const access = await deps.channels.access(userId, channelId);
    if (!access) throw unknownChannel();
    if (!hasPermission(access.permissions, Permission.VIEW_CHANNEL)) throw missingAccess();
    const { channel } = access;
    if (channel.guildId === null || !INVITABLE_TYPES.has(channel.type)) {
      throw invalidField("channel_id", "Invites can only be created for text and voice channels.");
    }
    if (!hasPermission(access.permissions, Permission.CREATE_INSTANT_INVITE)) throw missingPermissions("CREATE_INSTANT_INVITE");
    const guild = await deps.repositories.guilds.find(channel.guildId);
    if (!guild) throw unknownGuild();
    const now = new Date(deps.clock.now());
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const invite = newInvite({ code: generateInviteCode(deps.random), guildId: guild.id, channelId, inviterId: userId, now }, options);
      const payload = await describeInvite(deps, invite, { guild, channel });
      const created = await deps.unitOfWork(async (repositories) => {
        if (!(await repositories.invites.insert(invite))) return false;
        await repositories.record([inviteCreated(guild.id, payload)]);
        await repositories.audit([auditEntry({ userId, reason }, guild.id, AuditLogEvent.INVITE_CREATE, { changes: auditChanges(null, invite, INVITE_AUDIT_FIELDS) })]);
        return true;
      });
      if (created) return payload;
    }
    throw new DomainError(ErrorCode.CONFLICT, "Could not draw a free invite code; try again.");
  };
