import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** Longest accepted emoji in UTF-8 bytes: room for ZWJ families and flags with tags, not for text. */
export const EMOJI_MAX_BYTES = 32;

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
const FLAG = /^\p{Regional_Indicator}{2}$/u;
const KEYCAP = /^[#*0-9]\uFE0F?\u20E3$/u;
/** What may appear in an emoji sequence besides pictographs: modifiers, joiners, variation selectors, tags. */
const SEQUENCE_PART = /^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Emoji_Component}|\u200D|\uFE0F|\uFE0E|[\u{E0020}-\u{E007F}])$/u;
const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * Checks a unicode reaction emoji: one grapheme, at most 32 bytes, that is a pictographic emoji sequence, a flag or
 * a keycap. Custom (guild) emoji, `name:id`, go through parseReactionEmoji.
 */
export const parseEmoji = (raw: string, field = "emoji"): string => {
  const emoji = raw.normalize("NFC");
  const bytes = new TextEncoder().encode(emoji).byteLength;
  if (bytes === 0 || bytes > EMOJI_MAX_BYTES) throw invalidField(field, "Unknown Emoji");
  if ([...segmenter.segment(emoji)].length !== 1) throw invalidField(field, "Unknown Emoji");
  if (FLAG.test(emoji) || KEYCAP.test(emoji)) return emoji;
  if (!PICTOGRAPHIC.test(emoji) || ![...emoji].every((char) => SEQUENCE_PART.test(char))) throw invalidField(field, "Unknown Emoji");
  return emoji;
};

/** A guild's custom emoji as reactions show it. */
export interface CustomEmoji {
  readonly id: Snowflake;
  readonly name: string;
  readonly animated: boolean;
}

/** The custom emoji a user may react with (the guild domain's rule), or null: unknown, not their guild's, role-restricted. */
export interface EmojiAccess {
  /** The emoji when `userId` may use it, else null. */
  usable(userId: Snowflake, emojiId: Snowflake): Promise<CustomEmoji | null>;
}

/** `name:id` as a reaction route takes a custom emoji (also `a:name:id`, and `<:name:id>` as in message content). */
const CUSTOM_FORM = /^<?(?:a?:)?([A-Za-z0-9_]{2,32}):([0-9]{1,20})>?$/;
/** How a reaction row keeps a custom emoji: `name:id`, or `a:name:id` when it is animated. */
const CUSTOM_KEY = /^(a:)?([A-Za-z0-9_]{2,32}):([0-9]{1,20})$/;

/** A reaction route's emoji: a unicode one (its key), or a custom one named by id (the name is only a label). */
export type ReactionEmojiInput = { readonly unicode: string } | { readonly customId: Snowflake; readonly name: string };

/** Parses a reaction route's emoji: `name:id` (a custom emoji) or one unicode emoji (parseEmoji). */
export const parseReactionEmoji = (raw: string): ReactionEmojiInput => {
  const custom = CUSTOM_FORM.exec(raw);
  return custom ? { customId: custom[2]!, name: custom[1]! } : { unicode: parseEmoji(raw) };
};

/** The key a reaction with a custom emoji is kept under. */
export const customEmojiKey = (emoji: CustomEmoji): string => `${emoji.animated ? "a:" : ""}${emoji.name}:${emoji.id}`;

/** Discord's partial emoji of a reaction, from its key: `{id: null, name}` for unicode, `{id, name, animated}` for custom. */
export const reactionEmojiOf = (key: string): ReactionEmojiPayload => {
  const custom = CUSTOM_KEY.exec(key);
  return custom ? { id: custom[3]!, name: custom[2]!, animated: custom[1] !== undefined } : { id: null, name: key };
};

export type ReactionEmojiPayload = { readonly id: null; readonly name: string } | { readonly id: Snowflake; readonly name: string; readonly animated: boolean };

/**
 * The key a message's reactions already use for the custom emoji `id` (its name when first used there, so that a
 * renamed emoji still counts as one), or undefined.
 */
export const existingKeyFor = (keys: readonly string[], id: Snowflake): string | undefined => keys.find((key) => CUSTOM_KEY.exec(key)?.[3] === id);
