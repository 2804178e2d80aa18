import { describe, expect, test } from "bun:test";
import {
  ChannelType,
  type GuildChannel,
  MAX_CHANNELS_PER_GUILD,
  byPosition,
  checkChannelCount,
  checkParent,
  defaultGuildChannels,
  dmPair,
  normalizeChannelName,
  normalizeTopic,
  normalizeUserLimit,
} from "../../src/domains/channel/domain/channel";
import { changedBits, parseOverwrites } from "../../src/domains/channel/domain/overwrite";
import { DomainError } from "../../src/shared/kernel/domain-error";
import { Permission } from "../../src/shared/kernel/permissions";

const fieldsOf = (run: () => unknown): Record<string, string> | string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? (error.fields ?? error.code) : "not a DomainError";
  }
  return undefined;
};

const channel = (fields: Partial<GuildChannel>): GuildChannel => ({
  id: "10",
  type: ChannelType.GUILD_TEXT,
  guildId: "1",
  name: "c",
  position: 0,
  parentId: null,
  topic: null,
  userLimit: 0,
  rateLimitPerUser: 0,
  overwrites: [],
  lastMessageId: null,
  ...fields,
});

describe("channel names", () => {
  test("text channel names are lower-cased with whitespace runs turned into one dash", () => {
    expect(normalizeChannelName(ChannelType.GUILD_TEXT, "  General   Chat  ")).toBe("general-chat");
    expect(normalizeChannelName(ChannelType.GUILD_TEXT, "Off\tTopic")).toBe("off-topic");
  });

  test("voice and category names keep their case and inner spaces", () => {
    expect(normalizeChannelName(ChannelType.GUILD_VOICE, " Lounge Room ")).toBe("Lounge Room");
    expect(normalizeChannelName(ChannelType.GUILD_CATEGORY, "Text Channels")).toBe("Text Channels");
  });

  test("names are 1–100 characters", () => {
    expect(normalizeChannelName(ChannelType.GUILD_TEXT, "x".repeat(100))).toHaveLength(100);
    expect(fieldsOf(() => normalizeChannelName(ChannelType.GUILD_TEXT, "   "))).toHaveProperty("name");
    expect(fieldsOf(() => normalizeChannelName(ChannelType.GUILD_VOICE, "x".repeat(101)))).toHaveProperty("name");
  });

  test("only text channels have a topic, of at most 1024 characters", () => {
    expect(normalizeTopic(ChannelType.GUILD_TEXT, " About ")).toBe("About");
    expect(normalizeTopic(ChannelType.GUILD_VOICE, null)).toBeNull();
    expect(fieldsOf(() => normalizeTopic(ChannelType.GUILD_VOICE, "topic"))).toHaveProperty("topic");
    expect(fieldsOf(() => normalizeTopic(ChannelType.GUILD_TEXT, "x".repeat(1025)))).toHaveProperty("topic");
  });
});

describe("user limits", () => {
  test("a voice channel takes 0 (unlimited) to 99 users", () => {
    expect(normalizeUserLimit(ChannelType.GUILD_VOICE, 0)).toBe(0);
    expect(normalizeUserLimit(ChannelType.GUILD_VOICE, 1)).toBe(1);
    expect(normalizeUserLimit(ChannelType.GUILD_VOICE, 99)).toBe(99);
  });

  test("anything but an integer of 0–99 is refused on user_limit", () => {
    for (const limit of [-1, 100, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(fieldsOf(() => normalizeUserLimit(ChannelType.GUILD_VOICE, limit))).toHaveProperty("user_limit");
    }
  });

  test("only voice channels have a user limit; 0 is accepted everywhere", () => {
    expect(normalizeUserLimit(ChannelType.GUILD_TEXT, 0)).toBe(0);
    expect(normalizeUserLimit(ChannelType.GUILD_CATEGORY, 0)).toBe(0);
    expect(fieldsOf(() => normalizeUserLimit(ChannelType.GUILD_TEXT, 3))).toEqual({ user_limit: "Only voice channels have a user limit." });
    expect(fieldsOf(() => normalizeUserLimit(ChannelType.GUILD_CATEGORY, 1))).toHaveProperty("user_limit");
  });
});

describe("parents and order", () => {
  const category = channel({ id: "20", type: ChannelType.GUILD_CATEGORY });

  test("a parent must be a category of the same guild", () => {
    expect(fieldsOf(() => checkParent(ChannelType.GUILD_TEXT, "1", category))).toBeUndefined();
    expect(fieldsOf(() => checkParent(ChannelType.GUILD_TEXT, "1", channel({ id: "21" })))).toHaveProperty("parent_id");
    expect(fieldsOf(() => checkParent(ChannelType.GUILD_TEXT, "2", category))).toHaveProperty("parent_id");
    expect(fieldsOf(() => checkParent(ChannelType.GUILD_TEXT, "1", null))).toHaveProperty("parent_id");
  });

  test("a category cannot have a parent", () => {
    expect(fieldsOf(() => checkParent(ChannelType.GUILD_CATEGORY, "1", category))).toHaveProperty("parent_id");
  });

  test("a guild has at most 500 channels", () => {
    expect(fieldsOf(() => checkChannelCount(MAX_CHANNELS_PER_GUILD - 1))).toBeUndefined();
    expect(fieldsOf(() => checkChannelCount(MAX_CHANNELS_PER_GUILD))).toBe("LIMIT_REACHED");
  });

  test("channels show by position, then by age", () => {
    const sorted = byPosition([channel({ id: "3", position: 1 }), channel({ id: "2", position: 0 }), channel({ id: "1", position: 1 })]);
    expect(sorted.map((c) => c.id)).toEqual(["2", "1", "3"]);
  });

  test("a new guild starts with #general and a General voice channel", () => {
    let next = 0;
    const created = defaultGuildChannels("1", () => String(++next));
    expect(created.map((c) => [c.type, c.name, c.position, c.userLimit])).toEqual([
      [ChannelType.GUILD_TEXT, "general", 0, 0],
      [ChannelType.GUILD_VOICE, "General", 1, 0],
    ]);
  });

  test("a DM's pair is ordered by numeric id, so A→B and B→A coincide", () => {
    expect(dmPair("9", "10")).toEqual(["9", "10"]);
    expect(dmPair("10", "9")).toEqual(["9", "10"]);
  });
});

describe("overwrites", () => {
  test("parse bitfields, drop unknown bits, and refuse a target twice or a bad type", () => {
    const [parsed] = parseOverwrites([{ id: "5", type: 0, allow: String((1n << 40n) | 1024n) }]);
    expect(parsed).toEqual({ id: "5", type: 0, allow: 1024n, deny: 0n });
    expect(fieldsOf(() => parseOverwrites([{ id: "5", type: 0 }, { id: "5", type: 1 }]))).toHaveProperty(["permission_overwrites.1.id"]);
    expect(fieldsOf(() => parseOverwrites([{ id: "5", type: 2 }]))).toHaveProperty(["permission_overwrites.0.type"]);
    expect(fieldsOf(() => parseOverwrites([{ id: "5", type: 0, deny: "-1" }]))).toHaveProperty(["permission_overwrites.0.deny"]);
  });

  test("an edit needs only the bits it changes", () => {
    const { SEND_MESSAGES, KICK_MEMBERS, VIEW_CHANNEL } = Permission;
    const before = [{ id: "5", type: 0 as const, allow: KICK_MEMBERS, deny: 0n }];
    expect(changedBits(before, [{ id: "5", type: 0, allow: KICK_MEMBERS, deny: SEND_MESSAGES }])).toBe(SEND_MESSAGES);
    expect(changedBits(before, [])).toBe(KICK_MEMBERS);
    expect(changedBits([], [{ id: "6", type: 1, allow: VIEW_CHANNEL, deny: SEND_MESSAGES }])).toBe(VIEW_CHANNEL | SEND_MESSAGES);
  });
});
