import { describe, expect, test } from "bun:test";
import { permissionRefusal } from "../../src/shared/kernel/common-errors";
import { computeGrant, computePermissions } from "../../src/shared/kernel/compute-permissions";
import { ALL_PERMISSIONS, Permission, TWO_FACTOR_PERMISSIONS } from "../../src/shared/kernel/permissions";

const { VIEW_CHANNEL, SEND_MESSAGES, MANAGE_MESSAGES, MANAGE_CHANNELS, ADMINISTRATOR, KICK_MEMBERS } = Permission;
const GUILD = "1";
const subject = (roles: bigint, extra: { owner?: boolean; overwriteAllow?: bigint; twoFactorMissing?: boolean } = {}) => ({
  ownerId: extra.owner ? "7" : "9",
  memberId: "7",
  everyoneRole: { id: GUILD, permissions: VIEW_CHANNEL | SEND_MESSAGES },
  roles: [{ id: "2", permissions: roles }],
  ...(extra.overwriteAllow !== undefined ? { overwrites: [{ id: "7", type: 1 as const, allow: extra.overwriteAllow, deny: 0n }] } : {}),
  twoFactorMissing: extra.twoFactorMissing ?? false,
});

describe("guild MFA level: the two-factor permissions", () => {
  test("without two-factor login under an elevated level, the moderation bits are withheld from roles, overwrites, ADMINISTRATOR and ownership", () => {
    const mod = computeGrant(subject(MANAGE_MESSAGES | KICK_MEMBERS, { twoFactorMissing: true }));
    expect(mod.permissions).toBe(VIEW_CHANNEL | SEND_MESSAGES);
    expect(mod.withheld).toBe(MANAGE_MESSAGES | KICK_MEMBERS);
    const viaOverwrite = computeGrant(subject(0n, { overwriteAllow: MANAGE_CHANNELS, twoFactorMissing: true }));
    expect(viaOverwrite.permissions & MANAGE_CHANNELS).toBe(0n);
    expect(viaOverwrite.withheld).toBe(MANAGE_CHANNELS);
    const admin = computeGrant(subject(ADMINISTRATOR, { twoFactorMissing: true }));
    // A withheld ADMINISTRATOR grants nothing: what is left is what the member's other grants give.
    expect(admin.permissions).toBe(VIEW_CHANNEL | SEND_MESSAGES);
    expect(admin.withheld).toBe(ALL_PERMISSIONS & ~admin.permissions);
    const owner = computeGrant(subject(0n, { owner: true, twoFactorMissing: true }));
    expect(owner.permissions).toBe(ALL_PERMISSIONS & ~TWO_FACTOR_PERMISSIONS);
  });

  test("with two-factor login (or a level of 0) nothing is withheld", () => {
    expect(computeGrant(subject(ADMINISTRATOR))).toEqual({ permissions: ALL_PERMISSIONS, withheld: 0n });
    expect(computePermissions(subject(MANAGE_MESSAGES))).toBe(VIEW_CHANNEL | SEND_MESSAGES | MANAGE_MESSAGES);
  });

  test("a refusal is 60003 for a withheld bit, 50013 for one never held", () => {
    expect(permissionRefusal("MANAGE_MESSAGES", MANAGE_MESSAGES).code).toBe("TWO_FACTOR_REQUIRED");
    expect(permissionRefusal("MANAGE_MESSAGES", KICK_MEMBERS).code).toBe("MISSING_PERMISSIONS");
    expect(permissionRefusal("MANAGE_MESSAGES").code).toBe("MISSING_PERMISSIONS");
  });
});
