import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
export {
  missingAccess,
  missingPermissions,
  unknownChannel,
  unknownGuild,
  unknownMember,
  unknownRole,
  unknownUser,
} from "../../../shared/kernel/common-errors";

export const unknownInvite = () => new DomainError(ErrorCode.UNKNOWN_INVITE, "Unknown Invite");
/** API.md has no code for Discord's 10026 Unknown Ban, so it is a plain 404. */
export const unknownBan = () => new DomainError(ErrorCode.NOT_FOUND, "Unknown Ban");

/**
 * Discord answers a banned user's join with 40007; API.md has no such code, so it is 403 50013 with a message that
 * says why (see the issue note).
 */
export const bannedFromGuild = () => new DomainError(ErrorCode.MISSING_PERMISSIONS, "You are banned from this guild");

/** Discord's 50028: a bot's managed role cannot be deleted, given or taken by people. */
export const managedRole = (what: string) => new DomainError(ErrorCode.INVALID_ROLE, `Invalid Role: ${what}`);

/** Discord's 20001: bot accounts accept no invites (they are added through POST /oauth2/authorize) and add no bots. */
export const botsCannotJoin = () => new DomainError(ErrorCode.BOTS_FORBIDDEN, "Bots cannot use this endpoint");

/** A banned bot cannot be added to the guild. */
export const botBanned = () => new DomainError(ErrorCode.MISSING_PERMISSIONS, "The bot is banned from this guild");

/** The member being acted on ranks at or above the caller (or is the owner). */
export const outranked = (what: string) =>
  new DomainError(ErrorCode.MISSING_PERMISSIONS, `Missing Permissions: ${what} is not below your highest role`);

/** No such custom emoji in the guild (Discord's 404 10014). */
export const unknownEmoji = () => new DomainError(ErrorCode.UNKNOWN_EMOJI, "Unknown Emoji");
