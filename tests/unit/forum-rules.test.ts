import { describe, expect, test } from "bun:test";
import {
  ChannelFlag,
  DEFAULT_FORUM_SETTINGS,
  type ForumSettings,
  checkAppliedTags,
  checkAvailableTags,
  checkDefaultReactionEmoji,
  checkForumFlags,
  checkThreadFlags,
  customEmojiIds,
} from "../../src/domains/channel/domain/forum";
import { type ThreadChannel, refusedThreadChange } from "../../src/domains/channel/domain/thread";
import { Permission } from "../../src/shared/kernel/permissions";
import { isDomainError } from "../../src/shared/kernel/domain-error";

const ids = () => {
  let next = 100;
  return () => String(next++);
};
const refused = (check: () => unknown): string[] => {
  try {
    check();
    return [];
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return Object.keys(error.fields ?? {});
  }
};
const forum = (overrides: Partial<ForumSettings> = {}): ForumSettings => ({
  ...DEFAULT_FORUM_SETTINGS,
  availableTags: [
    { id: "1", name: "question", moderated: false, emojiId: null, emojiName: null },
    { id: "2", name: "solved", moderated: true, emojiId: null, emojiName: "✅" },
  ],
  ...overrides,
});

describe("a forum's tags", () => {
  test("new tags get ids, tags sent with one of the forum's ids keep it, and names are trimmed", () => {
    const current = forum().availableTags;
    const tags = checkAvailableTags([{ id: "2", name: " done ", moderated: true }, { name: "idea", emojiName: "💡" }], current, ids());
    expect(tags).toEqual([
      { id: "2", name: "done", moderated: true, emojiId: null, emojiName: null },
      { id: "100", name: "idea", moderated: false, emojiId: null, emojiName: "💡" },
    ]);
  });

  test("at most 20, names of 1–20 characters and distinct, a known id listed once, one emoji at most", () => {
    const many = Array.from({ length: 21 }, (_, index) => ({ name: `t${index}` }));
    expect(refused(() => checkAvailableTags(many, [], ids()))).toEqual(["available_tags"]);
    expect(refused(() => checkAvailableTags([{ name: "x".repeat(21) }], [], ids()))).toEqual(["available_tags.0.name"]);
    expect(refused(() => checkAvailableTags([{ name: "A" }, { name: "a" }], [], ids()))).toEqual(["available_tags.1.name"]);
    expect(refused(() => checkAvailableTags([{ id: "9", name: "forged" }], forum().availableTags, ids()))).toEqual(["available_tags.0.id"]);
    expect(refused(() => checkAvailableTags([{ id: "1", name: "a" }, { id: "1", name: "b" }], forum().availableTags, ids()))).toEqual(["available_tags.1.id"]);
    expect(refused(() => checkAvailableTags([{ name: "both", emojiId: "5", emojiName: "🐛" }], [], ids()))).toEqual(["available_tags.0"]);
  });

  test("the custom emoji a forum names are its tags' and its default reaction's, each once", () => {
    const settings = forum({
      availableTags: [
        { id: "1", name: "a", moderated: false, emojiId: "7", emojiName: null },
        { id: "2", name: "b", moderated: false, emojiId: "7", emojiName: null },
      ],
      defaultReactionEmoji: checkDefaultReactionEmoji({ emojiId: "8" }),
    });
    expect(customEmojiIds(settings)).toEqual(["7", "8"]);
    expect(checkDefaultReactionEmoji({ emojiId: null, emojiName: null })).toBeNull();
  });

  test("a forum's flags are REQUIRE_TAG or none; a thread's PINNED or none", () => {
    expect(checkForumFlags(ChannelFlag.REQUIRE_TAG)).toBe(16);
    expect(refused(() => checkForumFlags(ChannelFlag.PINNED))).toEqual(["flags"]);
    expect(checkThreadFlags(ChannelFlag.PINNED)).toBe(2);
    expect(refused(() => checkThreadFlags(ChannelFlag.REQUIRE_TAG))).toEqual(["flags"]);
  });
});

describe("the tags a post applies", () => {
  test("at most 5 of the forum's tags, duplicates counted once", () => {
    expect(checkAppliedTags(["1", "1"], forum())).toEqual({ tags: ["1"], touchesModerated: false });
    expect(refused(() => checkAppliedTags(["3"], forum()))).toEqual(["applied_tags"]);
    const six = forum({ availableTags: Array.from({ length: 6 }, (_, index) => ({ id: String(index), name: `t${index}`, moderated: false, emojiId: null, emojiName: null })) });
    expect(refused(() => checkAppliedTags(["0", "1", "2", "3", "4", "5"], six))).toEqual(["applied_tags"]);
  });

  test("REQUIRE_TAG forces one at least", () => {
    expect(refused(() => checkAppliedTags([], forum({ flags: ChannelFlag.REQUIRE_TAG })))).toEqual(["applied_tags"]);
    expect(checkAppliedTags([], forum()).tags).toEqual([]);
  });

  test("adding or removing a moderated tag touches it; keeping it does not", () => {
    expect(checkAppliedTags(["1", "2"], forum(), ["1"]).touchesModerated).toBe(true);
    expect(checkAppliedTags(["1"], forum(), ["1", "2"]).touchesModerated).toBe(true);
    expect(checkAppliedTags(["2"], forum(), ["1", "2"]).touchesModerated).toBe(false);
  });
});

describe("who may change a post's tags and pin", () => {
  const post: ThreadChannel = {
    id: "10",
    type: 11,
    guildId: "1",
    parentId: "2",
    ownerId: "owner",
    name: "Post",
    rateLimitPerUser: 0,
    lastMessageId: null,
    messageCount: 0,
    memberCount: 1,
    appliedTags: ["1"],
    flags: 0,
    metadata: { archived: false, autoArchiveDuration: 1440, archiveTimestamp: "", locked: false, invitable: true, createTimestamp: "" },
  };
  const member = Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES;
  test("the creator may retag, others need MANAGE_THREADS; the same tags in another order change nothing", () => {
    expect(refusedThreadChange(post, { appliedTags: ["1", "3"] }, { userId: "owner", permissions: member })).toBeNull();
    expect(refusedThreadChange(post, { appliedTags: ["3"] }, { userId: "other", permissions: member })).toBe("MANAGE_THREADS");
    expect(refusedThreadChange(post, { appliedTags: ["1"] }, { userId: "other", permissions: member })).toBeNull();
    expect(refusedThreadChange(post, { appliedTags: ["3"] }, { userId: "other", permissions: member | Permission.MANAGE_THREADS })).toBeNull();
  });

  test("pinning is MANAGE_THREADS', even for the creator; a locked post keeps its tags", () => {
    expect(refusedThreadChange(post, { flags: ChannelFlag.PINNED }, { userId: "owner", permissions: member })).toBe("MANAGE_THREADS");
    const locked = { ...post, metadata: { ...post.metadata, locked: true } };
    expect(refusedThreadChange(locked, { appliedTags: ["3"] }, { userId: "owner", permissions: member })).toBe("MANAGE_THREADS");
  });
});
