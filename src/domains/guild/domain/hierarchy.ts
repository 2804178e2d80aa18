import { ALL_PERMISSIONS } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { computeGrant } from "./compute-permissions";
import type { Guild } from "./guild";
import type { Member } from "./member";
import { type Role, highestRole, isEveryone, outranks } from "./role";

/** Where a member stands in a guild: what they may do, and how high they rank. */
export interface Standing {
  readonly userId: Snowflake;
  readonly isOwner: boolean;
  /** Guild-wide permissions. */
  readonly permissions: bigint;
  /** What the guild's MFA level withholds from them until they turn two-factor login on (see computeGrant). */
  readonly withheld: bigint;
  /** Their highest role; @everyone when they hold none. */
  readonly top: Role;
}

/** A member's standing, from the guild's roles (@everyone included) and the member's role ids. */
export const standingOf = (
  guild: Pick<Guild, "id" | "ownerId">,
  roles: readonly Role[],
  member: Pick<Member, "userId" | "roleIds">,
  twoFactorMissing = false,
): Standing => {
  const everyone = roles.find(isEveryone);
  if (!everyone) throw new Error(`guild ${guild.id} has no @everyone role`);
  const held = new Set(member.roleIds);
  const own = roles.filter((role) => held.has(role.id) && !isEveryone(role));
  const grant = computeGrant({ ownerId: guild.ownerId, memberId: member.userId, everyoneRole: everyone, roles: own, twoFactorMissing });
  return { userId: member.userId, isOwner: member.userId === guild.ownerId, ...grant, top: highestRole(everyone, own) };
};

/** The owner may manage every role; anyone else only roles strictly below their highest. */
export const canManageRole = (actor: Standing, role: Pick<Role, "id" | "position">): boolean => actor.isOwner || outranks(actor.top, role);

/**
 * Whether `actor` may kick, ban or edit `target`: never the owner; the owner anyone else; others only members
 * whose highest role is strictly below their own.
 */
export const canActOn = (actor: Standing, target: Standing): boolean =>
  !target.isOwner && actor.userId !== target.userId && (actor.isOwner || outranks(actor.top, target.top));

/** The bits of `permissions` that `actor` does not hold and so may not grant (to a role or an overwrite). */
export const ungrantable = (actor: Standing, permissions: bigint): bigint =>
  actor.isOwner ? 0n : permissions & ~(actor.permissions & ALL_PERMISSIONS);
