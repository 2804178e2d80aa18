import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { purgeAuditLog } from "../../src/domains/guild/application/audit-log-retention";
import { AuditLogEvent, type NewAuditLogEntry, auditEntry } from "../../src/shared/kernel/audit-log";
import { DrizzleAuditLogRepository, drizzleAuditLogRecorder } from "../../src/shared/infrastructure/postgres/drizzle-audit-log";
import { type ApiClient, createGuild, startGuildServer } from "../support/guild";
import type { TestUser } from "../support/identity";
import { MODES, type TestServer } from "../support/server";

const DAY_MS = 86_400_000;

for (const mode of MODES) {
  describe(`audit log repository and retention (${mode.name})`, () => {
    let server: TestServer;
    let api: ApiClient;
    let owner: TestUser;
    beforeAll(async () => {
      ({ server, api, users: [owner] } = await startGuildServer(mode, 1));
    });
    afterAll(() => server.stop());

    const repository = () => new DrizzleAuditLogRepository(server.app.database.db);
    /** Writes `entries` in one transaction as of `at` (ms), the way a unit of work does. */
    const record = (entries: readonly NewAuditLogEntry[], at = Date.now()) =>
      server.app.transact((tx, outbox) => drizzleAuditLogRecorder(tx, outbox, server.app.ids, { now: () => at }).audit(entries));
    const rename = (guildId: string, name: string, userId = owner.user.id) =>
      auditEntry({ userId, reason: `to ${name}` }, guildId, AuditLogEvent.GUILD_UPDATE, { targetId: guildId, changes: [{ key: "name", new_value: name }] });

    test("an entry is stored with its event, and a rolled-back transaction leaves neither", async () => {
      const guild = await createGuild(api, owner);
      await record([rename(guild.id, "kept")]);
      const failed = server.app.transact(async (tx, outbox) => {
        await drizzleAuditLogRecorder(tx, outbox, server.app.ids, { now: () => Date.now() }).audit([rename(guild.id, "lost")]);
        throw new Error("the change failed");
      });
      await expect(failed).rejects.toThrow("the change failed");
      const entries = await repository().list(guild.id, { limit: 10 });
      expect(entries.map((entry) => [entry.actionType, entry.reason, entry.changes])).toEqual([[1, "to kept", [{ key: "name", new_value: "kept" }]]]);
    });

    test("list: newest first, filtered by actor and action, paged with before and after", async () => {
      const guild = await createGuild(api, owner);
      await record([rename(guild.id, "a"), rename(guild.id, "b"), auditEntry({ userId: "42" }, guild.id, AuditLogEvent.MEMBER_KICK, { targetId: owner.user.id })]);
      const all = await repository().list(guild.id, { limit: 10 });
      expect(all.map((entry) => entry.actionType)).toEqual([20, 1, 1]);
      const [kick, b, a] = all;
      expect((await repository().list(guild.id, { limit: 10, userId: "42" })).map((entry) => entry.id)).toEqual([kick!.id]);
      expect((await repository().list(guild.id, { limit: 10, actionType: AuditLogEvent.GUILD_UPDATE })).map((entry) => entry.id)).toEqual([b!.id, a!.id]);
      expect((await repository().list(guild.id, { limit: 1, before: kick!.id })).map((entry) => entry.id)).toEqual([b!.id]);
      expect((await repository().list(guild.id, { limit: 1, after: a!.id })).map((entry) => entry.id)).toEqual([b!.id]);
      expect((await repository().list(guild.id, { limit: 10, after: a!.id })).map((entry) => entry.id)).toEqual([kick!.id, b!.id]);
    });

    test("retention deletes the entries older than the period, in batches, and keeps the rest", async () => {
      const guild = await createGuild(api, owner);
      const now = Date.now();
      const old = Array.from({ length: 1_205 }, (_, index) => rename(guild.id, `old-${index}`));
      await record(old, now - 46 * DAY_MS);
      await record([rename(guild.id, "recent")], now - 44 * DAY_MS);
      const purge = purgeAuditLog({ auditLog: repository(), clock: { now: () => now }, retentionDays: 45 });
      expect(await purge()).toBeGreaterThanOrEqual(1_205);
      const left = await repository().list(guild.id, { limit: 100 });
      expect(left.map((entry) => entry.changes[0]?.new_value)).toEqual(["recent"]);
      expect(await purge()).toBe(0);
    });
  });
}
