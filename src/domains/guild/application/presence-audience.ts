import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Guild } from "../domain/guild";
import type { GuildDeps } from "./guild-deps";
import type { GuildUseCases } from "./guild-use-cases";

/**
 * Who hears a user's presence, and whose presences READY lists: the members of the user's guilds that are not large
 * (more than `largeGuild` members; see LARGE_GUILD_THRESHOLD). The presence domain asks; the guild domain decides.
 */
export const presenceAudience = (
  deps: Pick<GuildDeps, "repositories">,
  useCases: Pick<GuildUseCases, "listMyGuilds" | "listMembers">,
  largeGuild: number,
) => {
  const smallGuildsOf = async (userId: Snowflake, guilds?: readonly Guild[]) => {
    guilds ??= await useCases.listMyGuilds(userId);
    const counts = await Promise.all(guilds.map((guild) => deps.repositories.members.count(guild.id)));
    return guilds.filter((_, index) => counts[index]! <= largeGuild);
  };
  return {
    /** The guilds of `userId` that are not large: where their presence is announced. */
    presenceGuildsOf: async (userId: Snowflake): Promise<Snowflake[]> => (await smallGuildsOf(userId)).map((guild) => guild.id),
    /**
     * The users who share a guild that is not large with `userId`: whose presences READY carries. `guilds`, when
     * given, are the user's guilds as already read (READY reads them once for all its parts).
     */
    async peersOf(userId: Snowflake, guilds?: readonly Guild[]): Promise<Snowflake[]> {
      const peers = new Set<Snowflake>();
      for (const guild of await smallGuildsOf(userId, guilds)) {
        for (const member of await useCases.listMembers(userId, guild.id, { limit: largeGuild })) peers.add(member.user.id);
      }
      return [...peers];
    },
  };
};
