import { AuditLogEvent, auditChanges, auditEntry } from "../../../shared/kernel/audit-log";
import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Guild, normalizeGuildName, normalizeIcon } from "../domain/guild";
import { missingPermissions } from "../domain/guild-errors";
import { GUILD_AUDIT_FIELDS } from "../domain/guild-audit";
import { serverUpdated } from "../domain/guild-events";
import { checkFields } from "../../../shared/kernel/field-checks";
import { loadGuildContext, requirePermission } from "./guild-context";
import type { GuildDeps } from "./guild-deps";
import type { GuildView } from "./guild-view";

/** Fields left undefined stay as they are; a null icon clears it. */
export interface UpdateGuildInput {
  readonly name?: string;
  readonly icon?: string | null;
  readonly ownerId?: Snowflake;
}

/** Renames a guild, changes its icon or (owner only, to a member) transfers it (SERVER_UPDATED); MANAGE_GUILD; an audit log entry (GUILD_UPDATE) with `reason`. */
export const updateGuild =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "channels">) =>
  async (userId: Snowflake, guildId: Snowflake, input: UpdateGuildInput, reason?: string): Promise<GuildView> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    requirePermission(context, "MANAGE_GUILD");
    const fields = checkFields({
      name: () => (input.name === undefined ? undefined : normalizeGuildName(input.name)),
      icon: () => (input.icon === undefined ? undefined : normalizeIcon(input.icon)),
    });
    const { guild } = context;
    if (input.ownerId !== undefined && input.ownerId !== guild.ownerId) {
      if (!context.actor.isOwner) throw missingPermissions("only the owner can transfer the guild");
      if (!(await deps.repositories.members.find(guildId, input.ownerId))) {
        throw invalidField("owner_id", "The new owner must be a member of the guild.");
      }
    }
    const updated: Guild = {
      ...guild,
      name: fields.name ?? guild.name,
      icon: fields.icon === undefined ? guild.icon : fields.icon,
      ownerId: input.ownerId ?? guild.ownerId,
    };
    const changes = auditChanges(guild, updated, GUILD_AUDIT_FIELDS);
    if (changes.length > 0) {
      await deps.unitOfWork(async (repositories) => {
        await repositories.guilds.update(updated);
        await repositories.record([serverUpdated(updated, context.roles)]);
        await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.GUILD_UPDATE, { targetId: guildId, changes })]);
      });
    }
    const [channels, emojis] = await Promise.all([deps.channels.visibleTo(guildId, userId), deps.repositories.emojis.listByGuild(guildId)]);
    return { guild: updated, roles: context.roles, channels, emojis };
  };
