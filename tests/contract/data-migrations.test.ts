import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { MIGRATIONS_FOLDER } from "../../src/shared/infrastructure/postgres/database";
import { Permission } from "../../src/shared/kernel/permissions";
import { MODES, type TestServer, startServer } from "../support/server";

/** Migrations that change rows, run again here on rows as an older version left them. */
const migration = (name: string) => readFileSync(join(MIGRATIONS_FOLDER, name), "utf8");
const THREAD_BITS = Permission.CREATE_PUBLIC_THREADS | Permission.CREATE_PRIVATE_THREADS | Permission.SEND_MESSAGES_IN_THREADS;

for (const mode of MODES) {
  describe(`data migrations (${mode.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(mode);
    });
    afterAll(() => server.stop());

    test("0015 gives @everyone the thread permissions where it may send messages, and nothing else", async () => {
      const db = server.app.database.db;
      const guildId = String(BigInt(Date.now()) << 22n);
      const roleId = String(BigInt(guildId) + 1n);
      const speaking = (Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES).toString();
      await db.execute(sql`INSERT INTO users (id, username, created_at, updated_at) VALUES (${guildId}, ${`old-${guildId}`}, now(), now())`);
      await db.execute(sql`INSERT INTO guilds (id, name, owner_id, created_at) VALUES (${guildId}, 'Before threads', ${guildId}, now())`);
      await db.execute(sql`INSERT INTO roles (id, guild_id, name, permissions) VALUES (${guildId}, ${guildId}, '@everyone', ${speaking}), (${roleId}, ${guildId}, 'other', ${speaking})`);
      await db.execute(sql.raw(migration("0015_everyone_thread_permissions.sql")));
      const rows = (await db.execute(sql`SELECT id::text, permissions::text FROM roles WHERE guild_id = ${guildId} ORDER BY id`)) as unknown;
      const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ id: string; permissions: string }>;
      expect(list.map((row) => BigInt(row.permissions))).toEqual([BigInt(speaking) | THREAD_BITS, BigInt(speaking)]);
      // Run twice (a migration re-applied by hand): the same result.
      await db.execute(sql.raw(migration("0015_everyone_thread_permissions.sql")));
      await db.execute(sql`UPDATE roles SET permissions = ${Permission.VIEW_CHANNEL.toString()} WHERE id = ${guildId}`);
      await db.execute(sql.raw(migration("0015_everyone_thread_permissions.sql")));
      const silent = (await db.execute(sql`SELECT permissions::text FROM roles WHERE id = ${guildId}`)) as unknown;
      const [row] = (Array.isArray(silent) ? silent : (silent as { rows: unknown[] }).rows) as Array<{ permissions: string }>;
      // An @everyone that may not send gets nothing new.
      expect(BigInt(row!.permissions)).toBe(Permission.VIEW_CHANNEL);
    });

    test("0019 gives @everyone STREAM where it may connect to voice, and nothing else", async () => {
      const db = server.app.database.db;
      const guildId = String((BigInt(Date.now()) << 22n) + 7n);
      const voice = (Permission.VIEW_CHANNEL | Permission.CONNECT | Permission.SPEAK).toString();
      await db.execute(sql`INSERT INTO users (id, username, created_at, updated_at) VALUES (${guildId}, ${`old-${guildId}`}, now(), now())`);
      await db.execute(sql`INSERT INTO guilds (id, name, owner_id, created_at) VALUES (${guildId}, 'Before video', ${guildId}, now())`);
      await db.execute(sql`INSERT INTO roles (id, guild_id, name, permissions) VALUES (${guildId}, ${guildId}, '@everyone', ${voice})`);
      await db.execute(sql.raw(migration("0019_everyone_stream_permission.sql")));
      expect(await permissionsOf(guildId)).toBe(BigInt(voice) | Permission.STREAM);
      await db.execute(sql`UPDATE roles SET permissions = ${Permission.VIEW_CHANNEL.toString()} WHERE id = ${guildId}`);
      await db.execute(sql.raw(migration("0019_everyone_stream_permission.sql")));
      expect(await permissionsOf(guildId)).toBe(Permission.VIEW_CHANNEL);
    });

    const permissionsOf = async (roleId: string): Promise<bigint> => {
      const result = (await server.app.database.db.execute(sql`SELECT permissions::text FROM roles WHERE id = ${roleId}`)) as unknown;
      const [row] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ permissions: string }>;
      return BigInt(row!.permissions);
    };
  });
}
