import { describe, expect, test } from "bun:test";
import { overwriteAudits } from "../../src/domains/channel/domain/channel-audit";
import { ROLE_AUDIT_FIELDS, memberRoleChanges } from "../../src/domains/guild/domain/guild-audit";
import type { Role } from "../../src/domains/guild/domain/role";
import { AuditLogEvent, auditChanges, auditEntry, auditLogEntryPayload } from "../../src/shared/kernel/audit-log";

const role: Role = { id: "10", guildId: "1", name: "Mods", color: 0, position: 1, permissions: 6n, hoist: false, mentionable: false };

describe("auditChanges: the change list of an entry", () => {
  test("an update lists only the keys that differ, old → new", () => {
    expect(auditChanges(role, { ...role, name: "Moderators", permissions: 2n }, ROLE_AUDIT_FIELDS)).toEqual([
      { key: "name", old_value: "Mods", new_value: "Moderators" },
      { key: "permissions", old_value: "6", new_value: "2" },
    ]);
    expect(auditChanges(role, { ...role }, ROLE_AUDIT_FIELDS)).toEqual([]);
  });

  test("a create lists the new values, a delete the old ones, each without the other side", () => {
    expect(auditChanges(null, role, { name: (r: Role) => r.name, color: (r: Role) => r.color })).toEqual([
      { key: "name", new_value: "Mods" },
      { key: "color", new_value: 0 },
    ]);
    expect(auditChanges(role, null, { name: (r: Role) => r.name })).toEqual([{ key: "name", old_value: "Mods" }]);
  });

  test("null and absent values are left out of their side; arrays compare by content", () => {
    const fields = { topic: (c: { topic: string | null }) => c.topic };
    expect(auditChanges({ topic: "t" }, { topic: null }, fields)).toEqual([{ key: "topic", old_value: "t" }]);
    expect(auditChanges({ topic: null }, { topic: "t" }, fields)).toEqual([{ key: "topic", new_value: "t" }]);
    expect(auditChanges(null, { topic: null }, fields)).toEqual([]);
    const list = { ids: (v: { ids: string[] }) => v.ids };
    expect(auditChanges({ ids: ["1", "2"] }, { ids: ["1", "2"] }, list)).toEqual([]);
    expect(auditChanges({ ids: ["1"] }, { ids: ["1", "2"] }, list)).toEqual([{ key: "ids", old_value: ["1"], new_value: ["1", "2"] }]);
  });
});

describe("the entries of roles and overwrites", () => {
  test("MEMBER_ROLE_UPDATE is $add and $remove, each with ids and names", () => {
    expect(memberRoleChanges([role], [])).toEqual([{ key: "$add", new_value: [{ id: "10", name: "Mods" }] }]);
    expect(memberRoleChanges([], [role])).toEqual([{ key: "$remove", new_value: [{ id: "10", name: "Mods" }] }]);
  });

  test("overwrites: one entry per overwrite created, changed or removed; unchanged ones none", () => {
    const a = { id: "5", type: 0 as const, allow: 1n, deny: 0n };
    const b = { id: "6", type: 1 as const, allow: 0n, deny: 2n };
    const audits = overwriteAudits([a, b], [{ ...a, allow: 3n }, { id: "7", type: 0, allow: 0n, deny: 0n }]);
    expect(audits.map((audit) => [audit.action, audit.options])).toEqual([
      [AuditLogEvent.CHANNEL_OVERWRITE_UPDATE, { id: "5", type: "0" }],
      [AuditLogEvent.CHANNEL_OVERWRITE_CREATE, { id: "7", type: "0" }],
      [AuditLogEvent.CHANNEL_OVERWRITE_DELETE, { id: "6", type: "1" }],
    ]);
    expect(overwriteAudits([a], [{ ...a }])).toEqual([]);
  });

  test("the API shape leaves out empty changes, options and reason", () => {
    const entry = { ...auditEntry({ userId: "2" }, "1", AuditLogEvent.MEMBER_KICK, { targetId: "3" }), id: "9", createdAt: new Date(0) };
    expect(auditLogEntryPayload(entry)).toEqual({ id: "9", user_id: "2", target_id: "3", action_type: 20 });
    expect(auditLogEntryPayload({ ...entry, reason: "why" }).reason).toBe("why");
  });
});
