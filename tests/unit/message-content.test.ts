import { describe, expect, test } from "bun:test";
import { DomainError } from "../../src/shared/kernel/domain-error";
import {
  CONTENT_MAX,
  checkAttachmentIds,
  checkBulkIds,
  checkContent,
  nonceKey,
} from "../../src/domains/message/domain/message";
import { codePointLength } from "../../src/shared/kernel/text";
import { MENTIONS_MAX, parseMentions } from "../../src/domains/message/domain/mentions";

const fieldOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.code === "VALIDATION") return Object.keys(error.fields ?? {})[0];
    throw error;
  }
  return undefined;
};

describe("message content", () => {
  test("length is counted in code points: an emoji is one, not two UTF-16 units", () => {
    expect(codePointLength("😀")).toBe(1);
    expect("😀".length).toBe(2);
    expect(codePointLength("Çalışma")).toBe(7);
  });

  test("4000 code points pass even when they are 8000 UTF-16 units; 4001 do not", () => {
    expect(checkContent("😀".repeat(CONTENT_MAX), false)).toHaveLength(8000);
    expect(fieldOf(() => checkContent("😀".repeat(CONTENT_MAX + 1), false))).toBe("content");
    expect(fieldOf(() => checkContent("a".repeat(CONTENT_MAX + 1), false))).toBe("content");
  });

  test("blank content is refused unless the message has attachments; content is kept as sent", () => {
    expect(fieldOf(() => checkContent("", false))).toBe("content");
    expect(fieldOf(() => checkContent(" \n\t ", false))).toBe("content");
    expect(checkContent("", true)).toBe("");
    expect(checkContent("  hi  ", false)).toBe("  hi  ");
  });
});

describe("nonces", () => {
  test("a string of 1–25 characters or a safe integer; 123 and '123' are the same nonce", () => {
    expect(nonceKey(undefined)).toBeUndefined();
    expect(nonceKey("abc")).toBe("abc");
    expect(nonceKey(123)).toBe("123");
    expect(nonceKey("123")).toBe(nonceKey(123) as string);
    expect(nonceKey("x".repeat(25))).toHaveLength(25);
  });

  test("too long, empty or unsafe nonces are refused", () => {
    expect(fieldOf(() => nonceKey("x".repeat(26)))).toBe("nonce");
    expect(fieldOf(() => nonceKey(""))).toBe("nonce");
    expect(fieldOf(() => nonceKey(2 ** 60))).toBe("nonce");
    expect(fieldOf(() => nonceKey(1.5))).toBe("nonce");
  });
});

describe("id lists", () => {
  test("at most 10 distinct attachments", () => {
    expect(checkAttachmentIds(["1", "2"])).toEqual(["1", "2"]);
    expect(fieldOf(() => checkAttachmentIds(["1", "1"]))).toBe("attachments");
    expect(fieldOf(() => checkAttachmentIds(Array.from({ length: 11 }, (_, i) => String(i + 1))))).toBe("attachments");
  });

  test("bulk delete takes 2–100 distinct ids", () => {
    expect(checkBulkIds(["1", "2"])).toEqual(["1", "2"]);
    expect(fieldOf(() => checkBulkIds(["1"]))).toBe("messages");
    expect(fieldOf(() => checkBulkIds(["1", "1"]))).toBe("messages");
    expect(fieldOf(() => checkBulkIds(Array.from({ length: 101 }, (_, i) => String(i + 1))))).toBe("messages");
  });
});

describe("mention parsing", () => {
  test("<@id> and <@!id> mention users, each once, in order of first appearance", () => {
    expect(parseMentions("hi <@12> and <@!34>, again <@12>").userIds).toEqual(["12", "34"]);
  });

  test("malformed mentions are plain text", () => {
    expect(parseMentions("<@> <@abc> <12> @12 <@ 12> <@123456789012345678901>").userIds).toEqual([]);
  });

  test("@everyone is a word, not part of one", () => {
    expect(parseMentions("@everyone look").everyone).toBe(true);
    expect(parseMentions("hey, @everyone!").everyone).toBe(true);
    expect(parseMentions("me@everyone").everyone).toBe(false);
    expect(parseMentions("@everyones").everyone).toBe(false);
    expect(parseMentions("everyone").everyone).toBe(false);
  });

  test("at most MENTIONS_MAX users are parsed", () => {
    const content = Array.from({ length: MENTIONS_MAX + 5 }, (_, i) => `<@${i + 1}>`).join(" ");
    expect(parseMentions(content).userIds).toHaveLength(MENTIONS_MAX);
  });
});
