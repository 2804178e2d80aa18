import { invalidField } from "../../../shared/kernel/domain-error";

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
 * a keycap. Custom (guild) emojis do not exist in XCord yet, so `name:id` forms are refused.
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
