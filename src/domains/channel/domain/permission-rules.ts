import { computePermissions } from "../../../shared/kernel/compute-permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, DM_PERMISSIONS, isDm, isThread } from "./channel";
import type { GuildStanding } from "./guild-access";
import type { Overwrite } from "./overwrite";
import type { ChannelFacts, GuildFacts } from "./permission-facts";
import { threadPermissions } from "./thread";
import type { ResolvedChannel } from "./permission-resolver";

/**
 * A user's permissions in a guild, in a channel of it when `overwrites` are given. The guild's @everyone id is the
 * guild id; non-members and unknown guilds get nothing.
 */
export const permissionsFrom = (facts: GuildFacts, guildId: Snowflake, userId: Snowflake, overwrites?: readonly Overwrite[]): bigint => {
  if (!facts.member || facts.ownerId === null || facts.everyone === null) return 0n;
  return computePermissions({
    ownerId: facts.ownerId,
    memberId: userId,
    everyoneRole: { id: guildId, permissions: BigInt(facts.everyone) },
    roles: facts.roles.map((role) => ({ id: role.id, permissions: BigInt(role.permissions) })),
    overwrites,
  });
};

/**
 * A channel with the user's permissions in it: a DM's recipients hold DM_PERMISSIONS, anyone else nothing; a thread
 * gives what its parent gives, by Discord's thread rules (thread.ts).
 */
export const resolveChannel = (channel: Channel, facts: GuildFacts, userId: Snowflake, thread?: ChannelFacts["thread"]): ResolvedChannel => {
  if (isDm(channel)) {
    return { channel, guildId: null, permissions: channel.recipientIds.includes(userId) ? DM_PERMISSIONS : 0n };
  }
  if (isThread(channel)) {
    const parentPermissions = permissionsFrom(facts, channel.guildId, userId, thread?.parentOverwrites ?? []);
    const member = thread?.member ?? false;
    return { channel, guildId: channel.guildId, permissions: threadPermissions(channel, { parentPermissions, member }), threadMember: member };
  }
  return { channel, guildId: channel.guildId, permissions: permissionsFrom(facts, channel.guildId, userId, channel.overwrites) };
};

/** The user's standing in a guild; null when the guild does not exist. */
export const standingFrom = (facts: GuildFacts, guildId: Snowflake, userId: Snowflake): GuildStanding | null =>
  facts.ownerId === null ? null : { guildId, ownerId: facts.ownerId, member: facts.member, permissions: permissionsFrom(facts, guildId, userId) };
