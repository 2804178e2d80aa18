import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import { type PermissionName, permissionNames } from "../../../shared/kernel/permissions";

export const unknownChannel = () => new DomainError(ErrorCode.UNKNOWN_CHANNEL, "Unknown Channel");
export const unknownGuild = () => new DomainError(ErrorCode.UNKNOWN_GUILD, "Unknown Guild");
export const unknownRole = () => new DomainError(ErrorCode.UNKNOWN_ROLE, "Unknown Role");
export const unknownMember = () => new DomainError(ErrorCode.UNKNOWN_MEMBER, "Unknown Member");
export const unknownUser = () => new DomainError(ErrorCode.UNKNOWN_USER, "Unknown User");

/** 403 50001: the caller may not see the channel (or its guild) at all. */
export const missingAccess = () => new DomainError(ErrorCode.MISSING_ACCESS, "Missing Access");

/** 403 50013, naming what was missing. */
export const missingPermissions = (what: PermissionName | bigint): DomainError<"MISSING_PERMISSIONS"> =>
  new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${typeof what === "bigint" ? permissionNames(what).join(", ") : what}`);
