import { describe, expect, test } from "bun:test";
import { parseEmoji } from "../../src/domains/message/domain/emoji";

describe("reaction emoji", () => {
  test.each(["👍", "👍🏽", "👨‍👩‍👧‍👦", "🇹🇷", "#️⃣", "1️⃣", "❤️", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️"])("accepts the emoji %s", (emoji) => {
    expect(parseEmoji(emoji)).toBe(emoji);
  });

  test.each([
    ["a letter", "a"],
    ["a digit", "1"],
    ["two emojis", "👍👍"],
    ["an emoji with text", "👍a"],
    ["a leading space", " 👍"],
    ["a custom emoji", "<:name:123>"],
    ["nothing", ""],
    ["a control character", "\u0000"],
    ["more than 32 bytes", "👨‍👩‍👧‍👦".repeat(2)],
  ])("refuses %s", (_, emoji) => {
    expect(() => parseEmoji(emoji)).toThrow("Invalid Form Body");
  });
});
