import { Elysia } from "elysia";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type RouteSettings, routeDeps } from "../../../shared/presentation/route-kit";
import type { GuildDeps } from "../application/guild-deps";
import { guildUseCases } from "../application/guild-use-cases";
import { type Guild, LARGE_GUILD_THRESHOLD } from "../domain/guild";
import { banRoutes } from "./ban-routes";
import { guildRoutes } from "./guild-routes";
import { inviteRoutes } from "./invite-routes";
import { memberRoutes } from "./member-routes";
import { roleRoutes } from "./role-routes";


/** The adapters app.ts builds for the guild domain, plus the auth plugin and rate-limit settings. */
export interface GuildModuleDeps extends GuildDeps, RouteSettings {
  /** Members above which a guild is large (no presence broadcast); Discord's 250 when unset. */
  readonly largeGuildThreshold?: number;
}

/** The guild domain, wired: its REST routes (mount under /api/v1) and its use cases for the gateway and tools. */
export const createGuildModule = (deps: GuildModuleDeps) => {
  const useCases = guildUseCases(deps);
  const routes = routeDeps(useCases, deps);
  const largeGuild = deps.largeGuildThreshold ?? LARGE_GUILD_THRESHOLD;
  const smallGuildsOf = async (userId: Snowflake, guilds?: readonly Guild[]) => {
    guilds ??= await useCases.listMyGuilds(userId);
    const counts = await Promise.all(guilds.map((guild) => deps.repositories.members.count(guild.id)));
    return guilds.filter((_, index) => counts[index]! <= largeGuild);
  };
  return {
    routes: new Elysia()
      .use(guildRoutes(routes))
      .use(memberRoutes(routes))
      .use(roleRoutes(routes))
      .use(banRoutes(routes))
      .use(inviteRoutes(routes)),
    useCases,
    /** How many members a guild has (GUILD_CREATE's member_count). */
    memberCount: (guildId: Snowflake): Promise<number> => deps.repositories.members.count(guildId),
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

export type GuildModule = ReturnType<typeof createGuildModule>;
