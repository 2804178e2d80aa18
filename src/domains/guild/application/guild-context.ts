import { Permission, type PermissionName, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Guild, MfaLevel } from "../domain/guild";
import { permissionRefusal } from "../../../shared/kernel/common-errors";
import { missingAccess, unknownGuild, unknownMember, unknownUser } from "../domain/guild-errors";
import type { GuildReadRepositories } from "../domain/guild-unit-of-work";
import { type Standing, standingOf } from "../domain/hierarchy";
import type { Member } from "../domain/member";
import type { Role } from "../domain/role";
import type { UserDirectory, UserProfile } from "../../../shared/kernel/users";

/** A guild as one of its members acts on it. */
export interface GuildContext {
  readonly guild: Guild;
  /** Every role, @everyone included. */
  readonly roles: readonly Role[];
  readonly member: Member;
  readonly actor: Standing;
}

/** The guild as the caller sees it: UNKNOWN_GUILD when it does not exist, MISSING_ACCESS when they are not a member. */
export const loadGuildContext = async (repositories: GuildReadRepositories, guildId: Snowflake, userId: Snowflake): Promise<GuildContext> => {
  const [guild, member] = await Promise.all([repositories.guilds.find(guildId), repositories.members.find(guildId, userId)]);
  if (!guild) throw unknownGuild();
  if (!member) throw missingAccess();
  const [roles, twoFactorMissing] = await Promise.all([
    repositories.roles.listByGuild(guildId),
    guild.mfaLevel === MfaLevel.ELEVATED ? repositories.members.twoFactorReady(userId).then((ready) => !ready) : false,
  ]);
  return { guild, roles, member, actor: standingOf(guild, roles, member, twoFactorMissing) };
};

/** MISSING_PERMISSIONS unless the caller holds `permission` guild-wide (60003 when the guild's MFA level withheld it). */
export const requirePermission = (context: GuildContext, permission: PermissionName): void => {
  if (!hasPermission(context.actor.permissions, Permission[permission])) throw permissionRefusal(permission, context.actor.withheld);
};

/** Another member of the context's guild and their standing; UNKNOWN_MEMBER when they are not one. */
export const loadTarget = async (
  repositories: GuildReadRepositories,
  context: GuildContext,
  userId: Snowflake,
): Promise<{ member: Member; standing: Standing }> => {
  const member = userId === context.member.userId ? context.member : await repositories.members.find(context.guild.id, userId);
  if (!member) throw unknownMember();
  return { member, standing: standingOf(context.guild, context.roles, member) };
};

/** One user's profile; UNKNOWN_USER when there is no such account. */
export const profileOf = async (users: UserDirectory, userId: Snowflake): Promise<UserProfile> => {
  const [user] = await users.findUsers([userId]);
  if (!user) throw unknownUser();
  return user;
};

/** Profiles by id, for lists; accounts that vanished are simply absent. */
export const profilesOf = async (users: UserDirectory, ids: readonly Snowflake[]): Promise<Map<Snowflake, UserProfile>> => {
  const unique = [...new Set(ids)];
  const found = unique.length === 0 ? [] : await users.findUsers(unique);
  return new Map(found.map((user) => [user.id, user]));
};
