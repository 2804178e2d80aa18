import { describe, expect, test } from "bun:test";
import { checkAllowedMentions, mentionPolicy } from "../../src/domains/message/domain/allowed-mentions";
import { checkEmbeds } from "../../src/domains/message/domain/embeds";
import { checkFlags, editedFlags } from "../../src/domains/message/domain/message";
import { parseMentions } from "../../src/domains/message/domain/mentions";
import { readAttachmentRequest } from "../../src/domains/message/application/message-files";
import { thrownFieldErrors } from "../support/errors";

const reasons = thrownFieldErrors;

describe("embeds", () => {
  test("are stored as rich, with a UTC timestamp and only the parts sent", () => {
    expect(checkEmbeds([{ type: "image", title: "t", timestamp: "2025-01-01T01:00:00+01:00", color: null }])).toEqual([
      { type: "rich", title: "t", timestamp: "2025-01-01T00:00:00.000Z" },
    ]);
  });

  test("the 6000-character total counts titles, descriptions, fields, footers and authors across embeds", () => {
    const embed = { title: "x".repeat(256), description: "x".repeat(1000), fields: [{ name: "n".repeat(200), value: "v".repeat(500) }], footer: { text: "f".repeat(40) }, author: { name: "a".repeat(4) } };
    expect(checkEmbeds([embed, embed, embed])).toHaveLength(3); // 2000 each, 6000 in all
    expect(reasons(() => checkEmbeds([embed, embed, embed, { title: "x" }]))).toEqual({ embeds: "Embed size exceeds maximum size of 6000." });
  });

  test("every limit is reported at its path, all at once", () => {
    expect(
      reasons(() =>
        checkEmbeds([
          { title: "x".repeat(257), url: "ftp://x", fields: [{ name: " ", value: "v".repeat(1025) }] },
          { footer: { text: "" }, author: { name: "a", icon_url: "attachment://a.png" }, image: { url: "attachment://b.png" }, color: -1 },
        ]),
      ),
    ).toEqual({
      "embeds.0.title": "Must be 256 or fewer in length.",
      "embeds.0.url": "Must be an http(s) URL of at most 2048 characters.",
      "embeds.0.fields.0.name": "This field is required",
      "embeds.0.fields.0.value": "Must be 1024 or fewer in length.",
      "embeds.1.footer.text": "This field is required",
      "embeds.1.color": "Must be an integer between 0 and 16777215.",
    });
  });
});

describe("allowed_mentions", () => {
  test("without it every mention counts, the replied-to author included; with it, only what it names", () => {
    expect(mentionPolicy(undefined)).toMatchObject({ everyone: true, repliedUser: true });
    const listed = mentionPolicy({ users: ["1"], parse: ["roles"] });
    expect([listed.user("1"), listed.user("2"), listed.role("9"), listed.everyone, listed.repliedUser]).toEqual([true, false, true, false, false]);
    expect(mentionPolicy({ replied_user: true } as never).repliedUser).toBe(false);
    expect(mentionPolicy({ repliedUser: true }).repliedUser).toBe(true);
  });

  test("parse and a list of the same kind are exclusive; lists hold at most 100 ids", () => {
    expect(reasons(() => checkAllowedMentions({ parse: ["roles"], roles: ["1"] }))).toEqual({ allowed_mentions: 'parse:["roles"] and roles: [ids] are mutually exclusive.' });
    expect(Object.keys(reasons(() => checkAllowedMentions({ users: Array.from({ length: 101 }, (_, index) => String(index + 1)) })))).toEqual(["allowed_mentions.users"]);
    expect(checkAllowedMentions({ parse: ["users"], roles: ["1"] })).toEqual({ parse: ["users"], roles: ["1"] });
  });

  test("role mentions are read as <@&id>, apart from user mentions", () => {
    expect(parseMentions("<@&12> <@12> <@&12> <@!34>")).toEqual({ userIds: ["12", "34"], roleIds: ["12"], everyone: false });
  });
});

describe("flags", () => {
  test("only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS may be sent; an edit changes SUPPRESS_EMBEDS only", () => {
    expect(checkFlags(4 | 4096)).toBe(4100);
    expect(Object.keys(reasons(() => checkFlags(1 << 15)))).toEqual(["flags"]);
    expect(editedFlags(4096, 4)).toBe(4100);
    expect(editedFlags(4100, 0)).toBe(4096);
    expect(editedFlags(4100, undefined)).toBe(4100);
  });

  test("HAS_THREAD is the server's: a send may not set it, an edit echoing it (or not) leaves it as it is", () => {
    expect(Object.keys(reasons(() => checkFlags(32)))).toEqual(["flags"]);
    expect(editedFlags(32, 32 | 4)).toBe(36);
    expect(editedFlags(32, 0)).toBe(32);
    expect(editedFlags(0, 32)).toBe(0);
    expect(Object.keys(reasons(() => editedFlags(32, 32 | (1 << 15))))).toEqual(["flags"]);
  });
});

describe("attachments entries and file parts", () => {
  const part = (index: number) => ({ index, filename: `f${index}.txt`, bytes: new Uint8Array([1]) });
  test("an entry whose id is a file part's index describes it; other ids are stored attachments; unnamed parts keep their names", () => {
    expect(readAttachmentRequest([{ id: 1, filename: "named.txt", description: "d" }, { id: "1234567890123456789" }], [part(0), part(1)])).toEqual({
      storedIds: ["1234567890123456789"],
      files: [
        { part: part(0), filename: "f0.txt", description: null },
        { part: part(1), filename: "named.txt", description: "d" },
      ],
    });
  });

  test("more than 10 in all, repeats and ids that are neither are refused", () => {
    expect(Object.keys(reasons(() => readAttachmentRequest([], Array.from({ length: 11 }, (_, index) => part(index)))))).toEqual(["attachments"]);
    expect(Object.keys(reasons(() => readAttachmentRequest([{ id: 0 }, { id: "0" }], [part(0)])))).toEqual(["attachments.1.id"]);
    expect(Object.keys(reasons(() => readAttachmentRequest([{ id: "abc" }], [])))).toEqual(["attachments.0.id"]);
  });
});
