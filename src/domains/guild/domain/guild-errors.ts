import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { type PermissionName, permissionNames } from "../../../shared/kernel/permissions";

export const unknownGuild = () => new DomainError(ErrorCode.UNKNOWN_GUILD, "Unknown Guild");
export const unknownRole = () => new DomainError(ErrorCode.UNKNOWN_ROLE, "Unknown Role");
export const unknownMember = () => new DomainError(ErrorCode.UNKNOWN_MEMBER, "Unknown Member");
export const unknownUser = () => new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");
export const unknownInvite = () => new DomainError(ErrorCode.UNKNOWN_INVITE, "Unknown Invite");
/** API.md has no code for Discord's 10026 Unknown Ban, so it is a plain 404. */
export const unknownBan = () => new DomainError(ErrorCode.NOT_FOUND, "Unknown Ban");

/** 403 50001: the caller may not see the guild at all (not a member, or banned). */
export const missingAccess = () => new DomainError(ErrorCode.MISSING_ACCESS, "Missing Access");

/** 403 50013, naming what was missing so a client can tell the user. */
export const missingPermissions = (what: PermissionName | bigint | string): DomainError<"MISSING_PERMISSIONS"> => {
  const detail = typeof what === "bigint" ? permissionNames(what).join(", ") : what;
  return new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${detail}`);
};

/** Raised by guild use cases that start from a channel (invites). */
export const unknownChannel = () => new DomainError(ErrorCode.UNKNOWN_CHANNEL, "Unknown Channel");

/**
 * Discord answers a banned user's join with 40007; API.md has no such code, so it is 403 50013 with a message that
 * says why (see the issue note).
 */
export const bannedFromGuild = () => new DomainError(ErrorCode.MISSING_PERMISSIONS, "You are banned from this guild");

/** The member being acted on ranks at or above the caller (or is the owner). */
export const outranked = (what: string) =>
  new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${what} is not below your highest role`);
