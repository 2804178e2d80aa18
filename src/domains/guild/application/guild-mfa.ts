import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { twoFactorRequired } from "../../../shared/kernel/common-errors";
import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Guild, MfaLevel } from "../domain/guild";
import { GUILD_AUDIT_FIELDS } from "../domain/guild-audit";
import { missingPermissions } from "../domain/guild-errors";
import { serverUpdated } from "../domain/guild-events";
import { loadGuildContext } from "./guild-context";
import type { GuildDeps } from "./guild-deps";

const checkMfaLevel = (level: number): MfaLevel => {
  if (level !== MfaLevel.NONE && level !== MfaLevel.ELEVATED) throw invalidField("level", "Must be 0 (none) or 1 (elevated).");
  return level;
};

/**
 * Sets the guild's MFA level, as Discord's POST /guilds/{id}/mfa: the owner only (403 50013 for anyone else), and
 * only while the owner has two-factor login (403 60003). A change is SERVER_UPDATED and an audit log entry.
 */
export const setGuildMfaLevel =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "twoFactorEnabled">) =>
  async (userId: Snowflake, guildId: Snowflake, level: number, reason?: string): Promise<MfaLevel> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    if (!context.actor.isOwner) throw missingPermissions("only the owner can change the guild's MFA level");
    const wanted = checkMfaLevel(level);
    if (!(await deps.twoFactorEnabled(userId))) throw twoFactorRequired();
    const { guild } = context;
    const updated: Guild = { ...guild, mfaLevel: wanted };
    const changes = auditChanges(guild, updated, GUILD_AUDIT_FIELDS);
    if (changes.length === 0) return wanted;
    await deps.unitOfWork(async (repositories) => {
      await repositories.guilds.update(updated);
      await repositories.record([serverUpdated(updated, context.roles)]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.GUILD_UPDATE, { targetId: guildId, changes })]);
    });
    return wanted;
  };
