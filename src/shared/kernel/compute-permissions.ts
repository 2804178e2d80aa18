import { ALL_PERMISSIONS, Permission, TWO_FACTOR_PERMISSIONS } from "./permissions";
import type { Snowflake } from "./snowflake";

/** Whom a channel overwrite targets: a role (0) or a single member (1). */
export const OverwriteTarget = { ROLE: 0, MEMBER: 1 } as const;

/** A channel's permission overwrite as the computation reads it. */
export interface PermissionOverwrite {
  readonly id: Snowflake;
  readonly type: 0 | 1;
  readonly allow: bigint;
  readonly deny: bigint;
}

export interface PermissionSubject {
  readonly ownerId: Snowflake;
  readonly memberId: Snowflake;
  /** The guild's @everyone role; its id is the guild id, which is also the id of its overwrite. */
  readonly everyoneRole: { readonly id: Snowflake; readonly permissions: bigint };
  /** The member's other roles. */
  readonly roles: readonly { readonly id: Snowflake; readonly permissions: bigint }[];
  /** The channel's overwrites; leave undefined for guild-wide permissions. */
  readonly overwrites?: readonly PermissionOverwrite[];
  /**
   * The guild's MFA level is elevated and the member has no two-factor login (bots are never held: see
   * docs/rest.md): the two-factor permissions are withheld, whatever grants them (ownership, ADMINISTRATOR, roles,
   * overwrites).
   */
  readonly twoFactorMissing?: boolean;
}

/** What a member may do, and what they would also hold with two-factor login (`withheld`, 0 when nothing is). */
export interface PermissionGrant {
  readonly permissions: bigint;
  readonly withheld: bigint;
}

const apply = (permissions: bigint, allow: bigint, deny: bigint): bigint => (permissions & ~deny) | allow;

/**
 * Discord's permission computation (API.md "Permissions"). The owner, and anyone whose roles grant ADMINISTRATOR,
 * hold every permission. Otherwise the guild-wide set is @everyone's permissions ORed with the member's roles'; in
 * a channel the overwrites then apply in three layers, each denying before allowing: @everyone's, the member's
 * roles' (all denies, then all allows), the member's own. Without VIEW_CHANNEL a channel grants nothing.
 */
export const computePermissions = (subject: PermissionSubject): bigint =>
  subject.twoFactorMissing ? withMask(subject, TWO_FACTOR_PERMISSIONS) : withMask(subject, 0n);

/**
 * computePermissions with what the MFA level withheld: the one place where the two-factor rule is decided. A
 * refusal for a withheld bit is 60003 rather than 50013 (permissionRefusal in common-errors.ts).
 */
export const computeGrant = (subject: PermissionSubject): PermissionGrant => {
  const permissions = computePermissions(subject);
  return { permissions, withheld: subject.twoFactorMissing ? withMask(subject, 0n) & ~permissions : 0n };
};

/** The computation with the `mask` bits taken from every source, so that a masked ADMINISTRATOR grants nothing. */
const withMask = (subject: PermissionSubject, mask: bigint): bigint => {
  if (subject.memberId === subject.ownerId) return ALL_PERMISSIONS & ~mask;
  let permissions = subject.roles.reduce((all, role) => all | role.permissions, subject.everyoneRole.permissions) & ~mask;
  if ((permissions & Permission.ADMINISTRATOR) !== 0n) return ALL_PERMISSIONS;
  const overwrites = subject.overwrites;
  if (!overwrites) return permissions;

  const everyone = overwrites.find((o) => o.type === OverwriteTarget.ROLE && o.id === subject.everyoneRole.id);
  if (everyone) permissions = apply(permissions, everyone.allow, everyone.deny);

  const held = new Set(subject.roles.map((role) => role.id));
  let allow = 0n;
  let deny = 0n;
  for (const overwrite of overwrites) {
    if (overwrite.type !== OverwriteTarget.ROLE || overwrite.id === subject.everyoneRole.id || !held.has(overwrite.id)) continue;
    allow |= overwrite.allow;
    deny |= overwrite.deny;
  }
  permissions = apply(permissions, allow, deny);

  const own = overwrites.find((o) => o.type === OverwriteTarget.MEMBER && o.id === subject.memberId);
  if (own) permissions = apply(permissions, own.allow, own.deny);

  permissions &= ~mask;
  return (permissions & Permission.VIEW_CHANNEL) === 0n ? 0n : permissions;
};
