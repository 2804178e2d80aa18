import { describe, expect, test } from "bun:test";
import {
  ALL_PERMISSIONS,
  DEFAULT_EVERYONE_PERMISSIONS,
  Permission,
  hasPermission,
  parsePermissions,
  permissionNames,
  permissionsOf,
  type PermissionName,
} from "../../src/shared/kernel/permissions";

describe("permission bitfields", () => {
  test("use Discord's bit values", () => {
    expect(Permission.ADMINISTRATOR).toBe(8n);
    expect(Permission.VIEW_CHANNEL).toBe(1024n);
    expect(Permission.MANAGE_ROLES).toBe(268435456n);
  });

  test("default @everyone holds exactly the API.md set, and Discord's thread and video (STREAM) permissions", () => {
    expect(permissionNames(DEFAULT_EVERYONE_PERMISSIONS).sort()).toEqual(
      <PermissionName[]>[
        "VIEW_CHANNEL",
        "SEND_MESSAGES",
        "READ_MESSAGE_HISTORY",
        "ADD_REACTIONS",
        "CREATE_INSTANT_INVITE",
        "ATTACH_FILES",
        "CONNECT",
        "SPEAK",
        "STREAM",
        "CHANGE_NICKNAME",
        "CREATE_PUBLIC_THREADS",
        "CREATE_PRIVATE_THREADS",
        "SEND_MESSAGES_IN_THREADS",
      ].sort(),
    );
  });

  test("hasPermission needs every required bit", () => {
    const granted = permissionsOf("VIEW_CHANNEL", "SEND_MESSAGES");
    expect(hasPermission(granted, Permission.VIEW_CHANNEL)).toBe(true);
    expect(hasPermission(granted, permissionsOf("VIEW_CHANNEL", "MANAGE_MESSAGES"))).toBe(false);
  });

  test("parsing accepts decimal strings, drops unknown bits and refuses garbage", () => {
    expect(parsePermissions("1024")).toBe(Permission.VIEW_CHANNEL);
    expect(parsePermissions(String((1n << 40n) | 8n))).toBe(Permission.ADMINISTRATOR);
    expect(parsePermissions("-1")).toBeUndefined();
    expect(parsePermissions("0x10")).toBeUndefined();
    expect(parsePermissions("99999999999999999999999")).toBeUndefined();
    expect(ALL_PERMISSIONS & (1n << 40n)).toBe(0n);
  });
});
