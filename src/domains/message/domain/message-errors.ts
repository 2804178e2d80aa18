import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";

export const unknownMessage = () => new DomainError(ErrorCode.UNKNOWN_MESSAGE, "Unknown Message");
export const unknownAttachment = () => new DomainError(ErrorCode.NOT_FOUND, "Unknown Attachment");

/** 403 50005: only the author edits a message. */
export const notAuthor = () => new DomainError(ErrorCode.NOT_AUTHOR, "Cannot edit a message authored by another user");

/** Messages live in text channels and DMs only. */
export const notTextChannel = () => new DomainError(ErrorCode.NOT_TEXT_CHANNEL, "Cannot send messages in a non-text channel");

/** A signed attachment URL that is malformed, tampered with or expired: 403, as a bad capability. */
export const badAttachmentSignature = () => new DomainError(ErrorCode.MISSING_ACCESS, "This attachment link is invalid or has expired.");

export const tooLarge = (limit: number) => new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, `Request entity too large (limit ${limit} bytes).`);

export const limitReached = (what: string, max: number) =>
  new DomainError(ErrorCode.LIMIT_REACHED, `Maximum number of ${what} reached (${max}).`);

/** Discord's 400 10014: a reaction with a custom emoji that does not exist or that the user may not use. */
export const invalidEmoji = () => new DomainError(ErrorCode.INVALID_EMOJI, "Unknown Emoji");
