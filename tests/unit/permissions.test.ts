import { describe, expect, test } from "bun:test";
import { type PermissionOverwrite, computePermissions } from "../../src/domains/guild/domain/compute-permissions";
import { ALL_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, Permission, permissionsOf } from "../../src/shared/kernel/permissions";

const GUILD = "100";
const OWNER = "1";
const ALICE = "2";
const MODS = "200";
const HELPERS = "201";

const { VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, ADD_REACTIONS, KICK_MEMBERS, ATTACH_FILES } = Permission;

/** Alice's permissions with @everyone holding `everyone`, Alice holding `roles`, in a channel with `overwrites`. */
const alice = (options: { everyone?: bigint; roles?: Array<[string, bigint]>; overwrites?: PermissionOverwrite[]; memberId?: string }) =>
  computePermissions({
    ownerId: OWNER,
    memberId: options.memberId ?? ALICE,
    everyoneRole: { id: GUILD, permissions: options.everyone ?? DEFAULT_EVERYONE_PERMISSIONS },
    roles: (options.roles ?? []).map(([id, permissions]) => ({ id, permissions })),
    overwrites: options.overwrites,
  });

const role = (id: string, allow: bigint, deny: bigint): PermissionOverwrite => ({ id, type: 0, allow, deny });
const member = (id: string, allow: bigint, deny: bigint): PermissionOverwrite => ({ id, type: 1, allow, deny });

describe("guild-wide permissions", () => {
  test("a member holds @everyone's permissions", () => {
    expect(alice({})).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("a member's roles add to @everyone's", () => {
    expect(alice({ everyone: VIEW_CHANNEL, roles: [[MODS, KICK_MEMBERS], [HELPERS, MANAGE_MESSAGES]] })).toBe(
      VIEW_CHANNEL | KICK_MEMBERS | MANAGE_MESSAGES,
    );
  });

  test("the owner holds every permission, whatever their roles", () => {
    expect(alice({ everyone: 0n, memberId: OWNER })).toBe(ALL_PERMISSIONS);
  });

  test("ADMINISTRATOR from any role grants every permission", () => {
    expect(alice({ everyone: 0n, roles: [[MODS, Permission.ADMINISTRATOR]] })).toBe(ALL_PERMISSIONS);
  });

  test("ADMINISTRATOR on @everyone grants every permission to everyone", () => {
    expect(alice({ everyone: Permission.ADMINISTRATOR })).toBe(ALL_PERMISSIONS);
  });
});

describe("channel permissions", () => {
  test("a channel without overwrites grants the guild-wide set", () => {
    expect(alice({ overwrites: [] })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("the @everyone overwrite denies, then allows", () => {
    const overwrites = [role(GUILD, MANAGE_MESSAGES, SEND_MESSAGES)];
    expect(alice({ overwrites })).toBe((DEFAULT_EVERYONE_PERMISSIONS & ~SEND_MESSAGES) | MANAGE_MESSAGES);
  });

  test("an @everyone overwrite that denies and allows the same bit allows it", () => {
    expect(alice({ everyone: VIEW_CHANNEL, overwrites: [role(GUILD, SEND_MESSAGES, SEND_MESSAGES)] })).toBe(VIEW_CHANNEL | SEND_MESSAGES);
  });

  test("role overwrites apply after @everyone's: a role may allow what @everyone's overwrite denied", () => {
    const overwrites = [role(GUILD, 0n, SEND_MESSAGES), role(MODS, SEND_MESSAGES, 0n)];
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("role overwrites apply after @everyone's: a role may deny what @everyone's overwrite allowed", () => {
    const overwrites = [role(GUILD, MANAGE_MESSAGES, 0n), role(MODS, 0n, MANAGE_MESSAGES)];
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("across the member's roles every allow beats every deny", () => {
    const overwrites = [role(MODS, 0n, ADD_REACTIONS), role(HELPERS, ADD_REACTIONS, 0n)];
    expect(alice({ roles: [[MODS, 0n], [HELPERS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
    const reversed = [role(HELPERS, ADD_REACTIONS, 0n), role(MODS, 0n, ADD_REACTIONS)];
    expect(alice({ roles: [[MODS, 0n], [HELPERS, 0n]], overwrites: reversed })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("overwrites of roles the member does not hold do not apply", () => {
    const overwrites = [role(MODS, MANAGE_MESSAGES, SEND_MESSAGES)];
    expect(alice({ roles: [[HELPERS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("the member's own overwrite applies last: it allows what the roles denied", () => {
    const overwrites = [role(GUILD, 0n, ATTACH_FILES), role(MODS, 0n, SEND_MESSAGES), member(ALICE, SEND_MESSAGES | ATTACH_FILES, 0n)];
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("the member's own overwrite applies last: it denies what the roles allowed", () => {
    const overwrites = [role(MODS, MANAGE_MESSAGES, 0n), member(ALICE, 0n, MANAGE_MESSAGES)];
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("another member's overwrite does not apply", () => {
    expect(alice({ overwrites: [member("3", 0n, SEND_MESSAGES)] })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("a member overwrite with the @everyone id is not the @everyone overwrite", () => {
    expect(alice({ overwrites: [member(GUILD, 0n, SEND_MESSAGES)] })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("without VIEW_CHANNEL a channel grants nothing at all", () => {
    expect(alice({ overwrites: [role(GUILD, MANAGE_MESSAGES, VIEW_CHANNEL)] })).toBe(0n);
    expect(alice({ everyone: SEND_MESSAGES, overwrites: [] })).toBe(0n);
  });

  test("a hidden channel is visible to a role allowed to view it", () => {
    const overwrites = [role(GUILD, 0n, VIEW_CHANNEL), role(MODS, VIEW_CHANNEL, 0n)];
    expect(alice({ overwrites })).toBe(0n);
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(DEFAULT_EVERYONE_PERMISSIONS);
  });

  test("a member denied VIEW_CHANNEL in their own overwrite sees nothing, whatever their roles allow", () => {
    const overwrites = [role(MODS, VIEW_CHANNEL, 0n), member(ALICE, 0n, VIEW_CHANNEL)];
    expect(alice({ roles: [[MODS, 0n]], overwrites })).toBe(0n);
  });

  test("the owner and administrators ignore overwrites, even one denying VIEW_CHANNEL", () => {
    const overwrites = [role(GUILD, 0n, ALL_PERMISSIONS), member(ALICE, 0n, ALL_PERMISSIONS), member(OWNER, 0n, ALL_PERMISSIONS)];
    expect(alice({ memberId: OWNER, overwrites })).toBe(ALL_PERMISSIONS);
    expect(alice({ roles: [[MODS, Permission.ADMINISTRATOR]], overwrites })).toBe(ALL_PERMISSIONS);
  });

  test("ADMINISTRATOR granted only by an overwrite does nothing special", () => {
    const overwrites = [role(GUILD, Permission.ADMINISTRATOR, 0n)];
    expect(alice({ everyone: VIEW_CHANNEL, overwrites })).toBe(VIEW_CHANNEL | Permission.ADMINISTRATOR);
  });

  test("the three layers apply in order: @everyone, then roles, then the member", () => {
    // Each layer flips SEND_MESSAGES; the last word is the member's.
    const layers = [role(GUILD, 0n, SEND_MESSAGES), role(MODS, SEND_MESSAGES, 0n), member(ALICE, 0n, SEND_MESSAGES)];
    expect(alice({ roles: [[MODS, 0n]], overwrites: layers }) & SEND_MESSAGES).toBe(0n);
    expect(alice({ roles: [[MODS, 0n]], overwrites: layers.slice(0, 2) }) & SEND_MESSAGES).toBe(SEND_MESSAGES);
    expect(alice({ roles: [[MODS, 0n]], overwrites: layers.slice(0, 1) }) & SEND_MESSAGES).toBe(0n);
    expect(permissionsOf("VIEW_CHANNEL") & alice({ overwrites: layers })).toBe(VIEW_CHANNEL);
  });
});
