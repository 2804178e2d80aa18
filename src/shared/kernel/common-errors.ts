import { DomainError, ErrorCode } from "./domain-error";
import { Permission, type PermissionName, permissionNames } from "./permissions";

/*
 * The errors several domains raise about the same things (guilds, channels, roles, members, users, permissions),
 * made in one place so each says it the same way, with API.md's code and Discord's message.
 */

export const unknownChannel = () => new DomainError(ErrorCode.UNKNOWN_CHANNEL, "Unknown Channel");
export const unknownGuild = () => new DomainError(ErrorCode.UNKNOWN_GUILD, "Unknown Guild");
export const unknownRole = () => new DomainError(ErrorCode.UNKNOWN_ROLE, "Unknown Role");
export const unknownMember = () => new DomainError(ErrorCode.UNKNOWN_MEMBER, "Unknown Member");
export const unknownUser = () => new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");

/** 403 50001: the caller may not see the thing at all (not in its guild or DM, no VIEW_CHANNEL, banned). */
export const missingAccess = () => new DomainError(ErrorCode.MISSING_ACCESS, "Missing Access");

/** 403 50013, naming what was missing so a client can tell the user. */
export const missingPermissions = (what: PermissionName | bigint | string): DomainError<"MISSING_PERMISSIONS"> => {
  const detail = typeof what === "bigint" ? permissionNames(what).join(", ") : what;
  return new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${detail}`);
};

/** 403 50007: a DM between users one of whom blocked the other (Discord says no more than this). */
export const cannotMessageUser = () => new DomainError(ErrorCode.CANNOT_MESSAGE_USER, "Cannot send messages to this user");

/** 403 60003: the guild's MFA level asks for two-factor login, which the caller does not have. */
export const twoFactorRequired = () => new DomainError(ErrorCode.TWO_FACTOR_REQUIRED, "Two factor is required for this operation");

/**
 * The refusal of an action that needs `permission`: 60003 when the caller would hold it with two-factor login (the
 * guild's MFA level withheld it, see computeGrant), else 50013 naming it. Every permission check of the domains
 * refuses through here.
 */
export const permissionRefusal = (permission: PermissionName, withheld = 0n): DomainError =>
  (withheld & Permission[permission]) !== 0n ? twoFactorRequired() : missingPermissions(permission);
