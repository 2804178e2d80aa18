import { describe, expect, test } from "bun:test";
import { checkDeleteMessageSeconds, normalizeReason } from "../../src/domains/guild/domain/ban";
import { MAX_GUILDS_PER_USER, checkGuildCount, normalizeGuildName, normalizeIcon } from "../../src/domains/guild/domain/guild";
import { canActOn, canManageRole, standingOf, ungrantable } from "../../src/domains/guild/domain/hierarchy";
import { INVITE_CODE_LENGTH, generateInviteCode, isUsable, newInvite } from "../../src/domains/guild/domain/invite";
import { normalizeNick } from "../../src/domains/guild/domain/member";
import { MAX_ROLES_PER_GUILD, type Role, byRank, checkColor, checkRoleCount, everyoneRoleOf, highestRole, outranks } from "../../src/domains/guild/domain/role";
import { DomainError } from "../../src/shared/kernel/domain-error";
import { ALL_PERMISSIONS, Permission } from "../../src/shared/kernel/permissions";

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : "not a DomainError";
  }
  return undefined;
};

describe("names and fields", () => {
  test("a guild name is 2–100 characters after trimming", () => {
    expect(normalizeGuildName("  My Guild  ")).toBe("My Guild");
    expect(normalizeGuildName("ab")).toBe("ab");
    expect(normalizeGuildName("x".repeat(100))).toHaveLength(100);
    for (const bad of ["a", "   a   ", "x".repeat(101), "tab\tname"]) expect(codeOf(() => normalizeGuildName(bad))).toBe("VALIDATION");
  });

  test("an icon is an http(s) URL or null", () => {
    expect(normalizeIcon(null)).toBeNull();
    expect(normalizeIcon("https://cdn.example.test/i.png")).toBe("https://cdn.example.test/i.png");
    expect(codeOf(() => normalizeIcon("javascript:alert(1)"))).toBe("VALIDATION");
  });

  test("a nick is 1–32 characters; blank clears it", () => {
    expect(normalizeNick("  Ali  ")).toBe("Ali");
    expect(normalizeNick("")).toBeNull();
    expect(normalizeNick(null)).toBeNull();
    expect(codeOf(() => normalizeNick("x".repeat(33)))).toBe("VALIDATION");
  });

  test("role colours are RGB integers; ban fields have bounds", () => {
    expect(checkColor(0xffffff)).toBe(0xffffff);
    expect(codeOf(() => checkColor(0x1000000))).toBe("VALIDATION");
    expect(codeOf(() => checkColor(1.5))).toBe("VALIDATION");
    expect(checkDeleteMessageSeconds(604800)).toBe(604800);
    expect(codeOf(() => checkDeleteMessageSeconds(604801))).toBe("VALIDATION");
    expect(normalizeReason("   ")).toBeNull();
    expect(codeOf(() => normalizeReason("x".repeat(513)))).toBe("VALIDATION");
  });
});

describe("limits", () => {
  test("a user may be in at most 200 guilds", () => {
    expect(codeOf(() => checkGuildCount(MAX_GUILDS_PER_USER - 1))).toBeUndefined();
    expect(codeOf(() => checkGuildCount(MAX_GUILDS_PER_USER))).toBe("LIMIT_REACHED");
  });

  test("a guild may have at most 250 roles, @everyone included", () => {
    expect(codeOf(() => checkRoleCount(MAX_ROLES_PER_GUILD - 1))).toBeUndefined();
    expect(codeOf(() => checkRoleCount(MAX_ROLES_PER_GUILD))).toBe("LIMIT_REACHED");
  });
});

const GUILD = "1000";
const everyone = everyoneRoleOf(GUILD);
const role = (id: string, position: number, permissions = 0n): Role => ({ ...everyone, id, name: `r${id}`, position, permissions });
const admin = role("2000", 3, Permission.ADMINISTRATOR);
const moderator = role("2001", 2, Permission.KICK_MEMBERS | Permission.MANAGE_ROLES);
const helper = role("2002", 1);
const newer = role("2003", 1);
const roles = [everyone, admin, moderator, helper, newer];
const guild = { id: GUILD, ownerId: "1" };
const standing = (userId: string, ...held: Role[]) => standingOf(guild, roles, { userId, roleIds: held.map((r) => r.id) });

describe("role order", () => {
  test("a higher position ranks higher; on a tie the older role does", () => {
    expect(outranks(moderator, helper)).toBe(true);
    expect(outranks(helper, moderator)).toBe(false);
    expect(outranks(helper, newer)).toBe(true);
    expect(outranks(newer, helper)).toBe(false);
    expect(outranks(helper, helper)).toBe(false);
  });

  test("roles sort lowest first with @everyone leading; a member's top role is their highest", () => {
    expect(byRank([admin, newer, everyone, helper, moderator]).map((r) => r.id)).toEqual([GUILD, "2003", "2002", "2001", "2000"]);
    expect(highestRole(everyone, [helper, moderator]).id).toBe(moderator.id);
    expect(highestRole(everyone, []).id).toBe(GUILD);
  });
});

describe("hierarchy", () => {
  const owner = standing("1");
  const mod = standing("10", moderator);
  const help = standing("11", helper);
  const peer = standing("12", moderator);
  const plain = standing("13");

  test("a member's standing carries their guild-wide permissions and top role", () => {
    expect(owner.isOwner).toBe(true);
    expect(owner.permissions).toBe(ALL_PERMISSIONS);
    expect(mod.top.id).toBe(moderator.id);
    expect(mod.permissions & Permission.KICK_MEMBERS).toBe(Permission.KICK_MEMBERS);
    expect(standing("14", admin).permissions).toBe(ALL_PERMISSIONS);
  });

  test("a member manages only roles strictly below their highest; the owner manages all", () => {
    expect(canManageRole(mod, helper)).toBe(true);
    expect(canManageRole(mod, everyone)).toBe(true);
    expect(canManageRole(mod, moderator)).toBe(false);
    expect(canManageRole(mod, admin)).toBe(false);
    expect(canManageRole(plain, everyone)).toBe(false);
    expect(canManageRole(owner, admin)).toBe(true);
  });

  test("administrators are still bound by the hierarchy", () => {
    expect(canManageRole(standing("14", admin), admin)).toBe(false);
  });

  test("a member acts only on members ranked strictly below them, never on the owner or themselves", () => {
    expect(canActOn(mod, help)).toBe(true);
    expect(canActOn(mod, plain)).toBe(true);
    expect(canActOn(mod, peer)).toBe(false);
    expect(canActOn(help, mod)).toBe(false);
    expect(canActOn(mod, owner)).toBe(false);
    expect(canActOn(mod, mod)).toBe(false);
  });

  test("the owner acts on anyone but themselves", () => {
    expect(canActOn(owner, standing("14", admin))).toBe(true);
    expect(canActOn(owner, owner)).toBe(false);
  });

  test("only permissions one holds can be granted", () => {
    expect(ungrantable(mod, Permission.KICK_MEMBERS)).toBe(0n);
    expect(ungrantable(mod, Permission.KICK_MEMBERS | Permission.BAN_MEMBERS)).toBe(Permission.BAN_MEMBERS);
    expect(ungrantable(owner, ALL_PERMISSIONS)).toBe(0n);
  });
});

describe("invites", () => {
  test("codes are 10 base62 characters", () => {
    const codes = new Set(Array.from({ length: 200 }, () => generateInviteCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(new RegExp(`^[0-9A-Za-z]{${INVITE_CODE_LENGTH}}$`));
  });

  test("bytes that would bias the alphabet are drawn again", () => {
    // 248..255 are rejected; 0 → "0", 61 → "z", 62 → "0" again (62 mod 62).
    const stream = [255, 248, 0, 61, 62, 250, 1, 2, 3, 4, 5, 6];
    let offset = 0;
    const random = (length: number) => Uint8Array.from({ length }, () => stream[offset++ % stream.length]!);
    expect(generateInviteCode(random)).toBe("0z0123456" + "0");
  });

  test("max_age and max_uses default to a day and unlimited, within 0..604800 and 0..100", () => {
    const now = new Date(Date.UTC(2026, 0, 2));
    const fields = { code: "abc", guildId: "1", channelId: "2", inviterId: "3", now };
    const invite = newInvite(fields, {});
    expect(invite).toMatchObject({ maxAge: 86400, maxUses: 0, uses: 0, expiresAt: new Date(now.getTime() + 86_400_000) });
    expect(newInvite(fields, { maxAge: 0 }).expiresAt).toBeNull();
    expect(codeOf(() => newInvite(fields, { maxAge: 604801 }))).toBe("VALIDATION");
    expect(codeOf(() => newInvite(fields, { maxUses: 101 }))).toBe("VALIDATION");
    expect(codeOf(() => newInvite(fields, { maxUses: -1 }))).toBe("VALIDATION");
  });

  test("an invite works until it expires or runs out of uses", () => {
    const now = new Date(Date.UTC(2026, 0, 2));
    const invite = newInvite({ code: "abc", guildId: "1", channelId: "2", inviterId: "3", now }, { maxAge: 60, maxUses: 2 });
    expect(isUsable(invite, now)).toBe(true);
    expect(isUsable(invite, new Date(now.getTime() + 59_999))).toBe(true);
    expect(isUsable(invite, new Date(now.getTime() + 60_000))).toBe(false);
    expect(isUsable({ ...invite, uses: 1 }, now)).toBe(true);
    expect(isUsable({ ...invite, uses: 2 }, now)).toBe(false);
    expect(isUsable({ ...invite, maxUses: 0, uses: 1000 }, now)).toBe(true);
  });
});
