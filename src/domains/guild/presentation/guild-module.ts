import { Elysia } from "elysia";
import { type Guild, LARGE_GUILD_THRESHOLD } from "../domain/guild";
import type { Clock } from "../../../shared/kernel/clock";
import type { RateLimiter } from "../../../shared/kernel/ports";
import type { Snowflake, SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import { rateLimiting } from "../../../shared/presentation/rate-limit";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import { banUser, listBans, unbanUser } from "../application/bans";
import { createGuild } from "../application/create-guild";
import { createInvite } from "../application/create-invite";
import { createRole } from "../application/create-role";
import { deleteGuild } from "../application/delete-guild";
import { deleteInvite } from "../application/delete-invite";
import { deleteRole } from "../application/delete-role";
import { getGuild } from "../application/get-guild";
import { getMember } from "../application/get-member";
import type { GuildDeps } from "../application/guild-deps";
import { joinGuild } from "../application/join-guild";
import { kickMember } from "../application/kick-member";
import { leaveGuild } from "../application/leave-guild";
import { listInvites } from "../application/list-invites";
import { listMembers } from "../application/list-members";
import { listMyGuilds } from "../application/list-my-guilds";
import { listRoles } from "../application/list-roles";
import { addMemberRole, removeMemberRole } from "../application/member-roles";
import { previewInvite } from "../application/preview-invite";
import { reorderRoles } from "../application/reorder-roles";
import { updateGuild } from "../application/update-guild";
import { updateMember } from "../application/update-member";
import { updateRole } from "../application/update-role";
import type { GuildChannels } from "../domain/guild-channels";
import type { GuildReadRepositories, GuildUnitOfWork } from "../domain/guild-unit-of-work";
import type { RandomBytes } from "../domain/invite";
import type { UserDirectory } from "../../../shared/kernel/users";
import { banRoutes } from "./ban-routes";
import { guildRoutes } from "./guild-routes";
import { inviteRoutes } from "./invite-routes";
import { memberRoutes } from "./member-routes";
import { roleRoutes } from "./role-routes";

/** The adapters app.ts builds for the guild domain, plus the shared clock, ids, auth and rate-limit settings. */
export interface GuildModuleDeps {
  readonly unitOfWork: GuildUnitOfWork;
  readonly repositories: GuildReadRepositories;
  /** Accounts, from the identity module. */
  readonly users: UserDirectory;
  /** Channel reads, from the channel module. */
  readonly channels: GuildChannels;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly random?: RandomBytes;
  readonly auth: AuthPlugin;
  readonly rateLimiter: RateLimiter;
  readonly rateLimitScale: number;
  readonly trustProxy: boolean;
  /** Members above which a guild is large (no presence broadcast); Discord's 250 when unset. */
  readonly largeGuildThreshold?: number;
}

const useCasesOf = (deps: GuildDeps) => ({
  createGuild: createGuild(deps),
  getGuild: getGuild(deps),
  updateGuild: updateGuild(deps),
  deleteGuild: deleteGuild(deps),
  listMyGuilds: listMyGuilds(deps),
  leaveGuild: leaveGuild(deps),
  listMembers: listMembers(deps),
  getMember: getMember(deps),
  updateMember: updateMember(deps),
  kickMember: kickMember(deps),
  addMemberRole: addMemberRole(deps),
  removeMemberRole: removeMemberRole(deps),
  listRoles: listRoles(deps),
  createRole: createRole(deps),
  updateRole: updateRole(deps),
  deleteRole: deleteRole(deps),
  reorderRoles: reorderRoles(deps),
  listBans: listBans(deps),
  banUser: banUser(deps),
  unbanUser: unbanUser(deps),
  createInvite: createInvite(deps),
  previewInvite: previewInvite(deps),
  joinGuild: joinGuild(deps),
  deleteInvite: deleteInvite(deps),
  listInvites: listInvites(deps),
});

export type GuildUseCases = ReturnType<typeof useCasesOf>;

/** The guild domain, wired: its REST routes (mount under /api/v1) and its use cases for the gateway and tools. */
export const createGuildModule = (deps: GuildModuleDeps) => {
  const useCases = useCasesOf(deps);
  const rateLimits = rateLimiting({ limiter: deps.rateLimiter, scale: deps.rateLimitScale, trustProxy: deps.trustProxy });
  const { auth } = deps;
  const largeGuild = deps.largeGuildThreshold ?? LARGE_GUILD_THRESHOLD;
  const smallGuildsOf = async (userId: Snowflake, guilds?: readonly Guild[]) => {
    guilds ??= await useCases.listMyGuilds(userId);
    const counts = await Promise.all(guilds.map((guild) => deps.repositories.members.count(guild.id)));
    return guilds.filter((_, index) => counts[index]! <= largeGuild);
  };
  return {
    routes: new Elysia()
      .use(guildRoutes({ useCases, auth }))
      .use(memberRoutes({ useCases, auth }))
      .use(roleRoutes({ useCases, auth }))
      .use(banRoutes({ useCases, auth }))
      .use(inviteRoutes({ useCases, auth, rateLimits })),
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
