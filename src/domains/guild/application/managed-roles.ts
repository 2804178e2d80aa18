import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { UserProfile } from "../../../shared/kernel/users";
import { type GuildEvent, roleDeleted } from "../domain/guild-events";
import type { GuildRepositories } from "../domain/guild-unit-of-work";

/**
 * Deletes the managed roles of a bot leaving a guild (left, kicked or banned), in the transaction that removes it,
 * and answers their GUILD_ROLE_DELETE events: a managed role lives exactly as long as its bot's membership.
 */
export const dropManagedRoles = async (repositories: GuildRepositories, guildId: Snowflake, user: UserProfile): Promise<Unrecorded<GuildEvent>[]> => {
  if (!user.bot) return [];
  const managed = (await repositories.roles.listByGuild(guildId)).filter((role) => role.botId === user.id);
  for (const role of managed) await repositories.roles.delete(guildId, role.id);
  return managed.map((role) => roleDeleted(guildId, role.id));
};
