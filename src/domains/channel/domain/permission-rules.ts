import { type PermissionGrant, computeGrant } from "../../../shared/kernel/compute-permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, DM_PERMISSIONS, isDm, isThread } from "./channel";
import type { GuildStanding } from "./guild-access";
import type { Overwrite } from "./overwrite";
import type { ChannelFacts, GuildFacts } from "./permission-facts";
import { threadPermissions } from "./thread";
import type { ResolvedChannel } from "./permission-resolver";

/**
 * A user's permissions in a guild, in a channel of it when `overwrites` are given, and what the guild's MFA level
 * withholds from them. The guild's @everyone id is the guild id; non-members and unknown guilds get nothing.
 */
export const grantFrom = (facts: GuildFacts, guildId: Snowflake, userId: Snowflake, overwrites?: readonly Overwrite[]): PermissionGrant => {
  if (!facts.member || facts.ownerId === null || facts.everyone === null) return { permissions: 0n, withheld: 0n };
  return computeGrant({
    ownerId: facts.ownerId,
    memberId: userId,
    everyoneRole: { id: guildId, permissions: BigInt(facts.everyone) },
    roles: facts.roles.map((role) => ({ id: role.id, permissions: BigInt(role.permissions) })),
    overwrites,
    twoFactorMissing: facts.twoFactorMissing,
  });
};

/** A grant as resolved answers carry it: `withheld` only when the MFA level withheld something (most answers). */
const asFields = ({ permissions, withheld }: PermissionGrant): { permissions: bigint; withheld?: bigint } => (withheld === 0n ? { permissions } : { permissions, withheld });

/** grantFrom's permissions alone. */
export const permissionsFrom = (facts: GuildFacts, guildId: Snowflake, userId: Snowflake, overwrites?: readonly Overwrite[]): bigint =>
  grantFrom(facts, guildId, userId, overwrites).permissions;

/**
 * A channel with the user's permissions in it: a DM's recipients hold DM_PERMISSIONS, anyone else nothing; a thread
 * gives what its parent gives, by Discord's thread rules (thread.ts).
 */
export const resolveChannel = (channel: Channel, facts: GuildFacts, userId: Snowflake, thread?: ChannelFacts["thread"]): ResolvedChannel => {
  if (isDm(channel)) {
    return { channel, guildId: null, permissions: channel.recipientIds.includes(userId) ? DM_PERMISSIONS : 0n };
  }
  if (isThread(channel)) {
    const parent = grantFrom(facts, channel.guildId, userId, thread?.parentOverwrites ?? []);
    const member = thread?.member ?? false;
    const permissions = threadPermissions(channel, { parentPermissions: parent.permissions, member });
    // What the thread would give with the parent's withheld bits back.
    const withheld = parent.withheld === 0n ? 0n : threadPermissions(channel, { parentPermissions: parent.permissions | parent.withheld, member }) & ~permissions;
    return { channel, guildId: channel.guildId, ...asFields({ permissions, withheld }), threadMember: member };
  }
  return { channel, guildId: channel.guildId, ...asFields(grantFrom(facts, channel.guildId, userId, channel.overwrites)) };
};

/** The user's standing in a guild; null when the guild does not exist. */
export const standingFrom = (facts: GuildFacts, guildId: Snowflake, userId: Snowflake): GuildStanding | null =>
  facts.ownerId === null ? null : { guildId, ownerId: facts.ownerId, member: facts.member, ...asFields(grantFrom(facts, guildId, userId)) };
