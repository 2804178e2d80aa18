import { DomainError, ErrorCode } from "./domain-error";
import { type PermissionName, permissionNames } from "./permissions";

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
