import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** The image types a custom emoji may be, by MIME type. */
export const EMOJI_IMAGE_TYPES = ["image/png", "image/gif", "image/webp"] as const;
export type EmojiImageType = (typeof EMOJI_IMAGE_TYPES)[number];

/** A guild's custom emoji. Its image is in the blob store under `emojiImageKey(id)`. */
export interface Emoji {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  readonly name: string;
  /** The roles allowed to use it; empty for everyone. */
  readonly roleIds: readonly Snowflake[];
  /** Who uploaded it. */
  readonly creatorId: Snowflake;
  readonly animated: boolean;
  readonly contentType: EmojiImageType;
}

/** Discord's rule: 2–32 letters, digits and underscores. */
const EMOJI_NAME = /^[A-Za-z0-9_]{2,32}$/;
/** Discord's 256 KiB per emoji image. */
export const EMOJI_MAX_BYTES = 256 * 1024;
/** Static and animated emoji each count against their own limit (Discord's, for a guild without boosts). */
export const EMOJI_SLOTS = 50;
/** Roles an emoji may be restricted to: a guild's 250. */
export const EMOJI_ROLES_MAX = 250;

/** Where an emoji's image bytes are kept. */
export const emojiImageKey = (emojiId: Snowflake) => `emojis/${emojiId}`;

export const checkEmojiName = (name: string, field = "name"): string => {
  if (!EMOJI_NAME.test(name)) throw invalidField(field, "Must be 2–32 characters of letters, digits and underscores.");
  return name;
};

const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;

/**
 * The bytes of Discord's image data, `data:image/png;base64,…`: at most 256 KiB once decoded. The declared type is not
 * trusted (the bytes are checked by emojiImageType).
 */
export const decodeImageData = (raw: string, field = "image"): Uint8Array => {
  const match = DATA_URI.exec(raw);
  if (!match?.[2] || match[2].length % 4 !== 0) throw invalidField(field, "Must be image data: data:image/png;base64,… (PNG, GIF or WebP).");
  // The decoded size follows from the length: refuse before decoding what is too large anyway.
  const size = (match[2].length / 4) * 3 - (match[2].endsWith("==") ? 2 : match[2].endsWith("=") ? 1 : 0);
  if (size > EMOJI_MAX_BYTES) throw invalidField(field, "File cannot be larger than 256.0 kb.");
  return Uint8Array.from(Buffer.from(match[2], "base64"));
};

/** The image type the bytes prove, or VALIDATION when it is not PNG, GIF or WebP. */
export const emojiImageType = (detected: string | undefined, field = "image"): EmojiImageType => {
  const type = EMOJI_IMAGE_TYPES.find((candidate) => candidate === detected);
  if (!type) throw invalidField(field, "Invalid image data: must be a PNG, GIF or WebP image.");
  return type;
};

/**
 * True for a GIF, and for a WebP whose VP8X header sets the animation flag (RIFF, size, WEBP, VP8X, size, flags:
 * bit 1 of byte 20). An animated PNG counts as static, as on Discord.
 */
export const isAnimated = (type: EmojiImageType, bytes: Uint8Array): boolean => {
  if (type === "image/gif") return true;
  if (type !== "image/webp" || bytes.byteLength < 21) return false;
  const chunk = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  return chunk === "VP8X" && (bytes[20]! & 0x02) !== 0;
};

/** Refuses one more emoji of its kind in a guild whose emoji are `existing` (Discord's 30008). */
export const checkEmojiSlots = (existing: readonly Pick<Emoji, "animated">[], animated: boolean): void => {
  const used = existing.filter((emoji) => emoji.animated === animated).length;
  if (used >= EMOJI_SLOTS) {
    throw new DomainError(ErrorCode.EMOJI_LIMIT, `Maximum number of ${animated ? "animated " : ""}emojis reached (${EMOJI_SLOTS})`);
  }
};

/** Whether a member holding `memberRoleIds` may use the emoji: anyone when it names no roles, else one of them. */
export const mayUseEmoji = (emoji: Pick<Emoji, "roleIds">, memberRoleIds: readonly Snowflake[]): boolean =>
  emoji.roleIds.length === 0 || emoji.roleIds.some((id) => memberRoleIds.includes(id));

/** The file extension Discord's CDN serves an image type under. */
export const extensionOf = (type: EmojiImageType): string => type.slice("image/".length);
