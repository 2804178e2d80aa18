import { describe, expect, test } from "bun:test";
import { FactsGuildAccess } from "../../src/domains/channel/application/facts-guild-access";
import { FactsPermissionResolver } from "../../src/domains/channel/application/facts-permission-resolver";
import { type Channel, ChannelType, DM_PERMISSIONS, type GuildChannel } from "../../src/domains/channel/domain/channel";
import type { Overwrite } from "../../src/domains/channel/domain/overwrite";
import type { GuildFacts, PermissionFacts } from "../../src/domains/channel/domain/permission-facts";
import { ALL_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";

const GUILD = "100";
const OWNER = "1";
const ALICE = "2";
const BOB = "3";
const MODS = "200";
const { VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, KICK_MEMBERS, ADMINISTRATOR } = Permission;

const text = (id: string, overwrites: Overwrite[] = []): GuildChannel => ({
  id, type: ChannelType.GUILD_TEXT, guildId: GUILD, name: "general", position: 0, parentId: null, topic: null, userLimit: 0, rateLimitPerUser: 0, overwrites, lastMessageId: null,
});
const dm = (id: string): Channel => ({ id, type: ChannelType.DM, recipientIds: [ALICE, BOB], lastMessageId: null });

const NO_GUILD: GuildFacts = { ownerId: null, everyone: null, member: false, roles: [], twoFactorMissing: false };

/** A guild where @everyone holds `everyone` and each user in `roles` is a member holding those roles. */
const guild = (everyone: bigint, roles: Record<string, Array<[string, bigint]>>) => (userId: string): GuildFacts => ({
  ownerId: OWNER,
  everyone: everyone.toString(),
  member: userId === OWNER || userId in roles,
  roles: (roles[userId] ?? []).map(([id, bits]) => ({ id, permissions: bits.toString() })),
  twoFactorMissing: false,
});

/** A facts port over fixed data that counts what it is asked. */
const facts = (factsOf: ((userId: string) => GuildFacts) | null, channels: Channel[]) => {
  const asked: string[] = [];
  const port: PermissionFacts = {
    channel: async (channelId, userId) => {
      asked.push("channel");
      const channel = channels.find((c) => c.id === channelId);
      if (!channel) return null;
      return { channel, guild: channel.type === ChannelType.DM || !factsOf ? NO_GUILD : factsOf(userId) };
    },
    guild: async (_guildId, userId) => (asked.push("guild"), factsOf ? factsOf(userId) : null),
    channelsOf: async () => (asked.push("channelsOf"), channels.filter((c) => c.type !== ChannelType.DM)),
    hasRole: async (_guildId, roleId) => (asked.push("hasRole"), roleId === MODS),
    hasMember: async (_guildId, userId) => (asked.push("hasMember"), userId === ALICE),
    hasEmoji: async () => (asked.push("hasEmoji"), false),
  };
  return { port, asked };
};

const member = (id: string, allow: bigint, deny: bigint): Overwrite => ({ id, type: 1, allow, deny });
const everyoneOverwrite = (allow: bigint, deny: bigint): Overwrite => ({ id: GUILD, type: 0, allow, deny });

describe("a channel's permissions (forChannel)", () => {
  const inGuild = guild(VIEW_CHANNEL | SEND_MESSAGES, { [ALICE]: [[MODS, MANAGE_MESSAGES]], [BOB]: [] });

  test("a member holds @everyone's and their roles' permissions, with the channel and its guild", async () => {
    const { port, asked } = facts(inGuild, [text("10")]);
    const resolved = await new FactsPermissionResolver(port).forChannel(ALICE, "10");
    expect(resolved).toEqual({ channel: text("10"), guildId: GUILD, permissions: VIEW_CHANNEL | SEND_MESSAGES | MANAGE_MESSAGES });
    expect(asked).toEqual(["channel"]);
  });

  test("the channel's overwrites apply: a member denied VIEW_CHANNEL holds nothing there", async () => {
    const { port } = facts(inGuild, [text("10", [member(BOB, 0n, VIEW_CHANNEL)])]);
    expect((await new FactsPermissionResolver(port).forChannel(BOB, "10"))?.permissions).toBe(0n);
  });

  test("@everyone's overwrite may take a bit away from everyone but the owner", async () => {
    const { port } = facts(inGuild, [text("10", [everyoneOverwrite(0n, SEND_MESSAGES)])]);
    const resolver = new FactsPermissionResolver(port);
    expect((await resolver.forChannel(BOB, "10"))?.permissions).toBe(VIEW_CHANNEL);
    expect((await resolver.forChannel(OWNER, "10"))?.permissions).toBe(ALL_PERMISSIONS);
  });

  test("a user who is not a member gets the channel and holds nothing", async () => {
    const { port } = facts(inGuild, [text("10")]);
    expect(await new FactsPermissionResolver(port).forChannel("4", "10")).toEqual({ channel: text("10"), guildId: GUILD, permissions: 0n });
  });

  test("a channel whose guild is gone grants nothing", async () => {
    const { port } = facts(null, [text("10")]);
    expect((await new FactsPermissionResolver(port).forChannel(ALICE, "10"))?.permissions).toBe(0n);
  });

  test("a DM's recipients hold the DM permissions, anyone else nothing", async () => {
    const { port } = facts(inGuild, [dm("20")]);
    const resolver = new FactsPermissionResolver(port);
    expect(await resolver.forChannel(BOB, "20")).toEqual({ channel: dm("20"), guildId: null, permissions: DM_PERMISSIONS });
    expect((await resolver.forChannel(OWNER, "20"))?.permissions).toBe(0n);
  });

  test("an unknown channel is null; ids that are not snowflakes are null without asking", async () => {
    const { port, asked } = facts(inGuild, []);
    const resolver = new FactsPermissionResolver(port);
    expect(await resolver.forChannel(ALICE, "10")).toBeNull();
    expect(await resolver.forChannel(ALICE, "99999999999999999999")).toBeNull();
    expect(await resolver.forChannel("x", "10")).toBeNull();
    expect(asked).toEqual(["channel"]);
  });
});

describe("guild-wide questions (channelsOf, inGuild)", () => {
  const inGuild = guild(VIEW_CHANNEL, { [ALICE]: [], [BOB]: [] });

  test("every channel of the guild with the user's permissions in each", async () => {
    const { port } = facts(inGuild, [text("10"), text("11", [member(ALICE, SEND_MESSAGES, 0n)])]);
    const resolved = await new FactsPermissionResolver(port).channelsOf(ALICE, GUILD);
    expect(resolved.map((r) => [r.channel.id, r.guildId, r.permissions])).toEqual([
      ["10", GUILD, VIEW_CHANNEL],
      ["11", GUILD, VIEW_CHANNEL | SEND_MESSAGES],
    ]);
  });

  test("an unknown guild has no channels for anyone", async () => {
    const { port } = facts(null, [text("10")]);
    expect(await new FactsPermissionResolver(port).channelsOf(ALICE, GUILD)).toEqual([]);
  });

  test("permissions under given overwrites (a deleted channel's), zero for non-members", async () => {
    const { port } = facts(inGuild, []);
    const resolver = new FactsPermissionResolver(port);
    expect(await resolver.inGuild(ALICE, GUILD, [member(ALICE, SEND_MESSAGES, 0n)])).toBe(VIEW_CHANNEL | SEND_MESSAGES);
    expect(await resolver.inGuild("4", GUILD, [])).toBe(0n);
    expect(await resolver.inGuild(ALICE, "not-a-guild", [])).toBe(0n);
  });
});

describe("a user's standing in a guild (GuildAccess)", () => {
  test("guild-wide permissions ignore overwrites; an administrator role grants all", async () => {
    const { port } = facts(guild(VIEW_CHANNEL, { [ALICE]: [[MODS, ADMINISTRATOR]], [BOB]: [[MODS, KICK_MEMBERS]] }), []);
    const access = new FactsGuildAccess(port);
    expect(await access.standing(GUILD, ALICE)).toEqual({ guildId: GUILD, ownerId: OWNER, member: true, permissions: ALL_PERMISSIONS });
    expect(await access.standing(GUILD, BOB)).toEqual({ guildId: GUILD, ownerId: OWNER, member: true, permissions: VIEW_CHANNEL | KICK_MEMBERS });
    expect(await access.standing(GUILD, "4")).toEqual({ guildId: GUILD, ownerId: OWNER, member: false, permissions: 0n });
  });

  test("an unknown guild, or a user id past int64, has no standing", async () => {
    const { port, asked } = facts(null, []);
    const access = new FactsGuildAccess(port);
    expect(await access.standing(GUILD, ALICE)).toBeNull();
    expect(await access.standing(GUILD, "99999999999999999999")).toBeNull();
    expect(asked).toEqual(["guild"]);
  });

  test("roles and members are looked up only for snowflake ids", async () => {
    const { port, asked } = facts(null, []);
    const access = new FactsGuildAccess(port);
    expect([await access.hasRole(GUILD, MODS), await access.hasRole(GUILD, "role"), await access.hasMember(GUILD, ALICE), await access.hasMember(GUILD, "")]).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(asked).toEqual(["hasRole", "hasMember"]);
  });
});
