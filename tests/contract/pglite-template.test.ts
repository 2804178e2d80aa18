import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { MIGRATIONS_FOLDER } from "../../src/shared/infrastructure/postgres/database";
import { pgliteTemplate } from "../../src/shared/infrastructure/postgres/pglite-template";

/** The migrated-template cache the embedded database starts from (a new database skips initdb). */
describe("the embedded database template", () => {
  const root = mkdtempSync(join(tmpdir(), "xcord-template-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const tables = async (client: PGlite) =>
    (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((row) => row.tablename);

  test("is absent until saved; a database loaded from it has every migrated table and no rows", async () => {
    const cache = join(root, "cache");
    const template = pgliteTemplate(MIGRATIONS_FOLDER, cache);
    expect(template.load()).toBeUndefined();

    const source = await PGlite.create();
    await migrate(drizzle({ client: source }) as never, { migrationsFolder: MIGRATIONS_FOLDER });
    const expected = await tables(source);
    await template.save(source);
    await source.close();

    const tarball = template.load();
    expect(tarball).toBeDefined();
    const copy = await PGlite.create(join(root, "copy"), { loadDataDir: tarball! });
    expect(await tables(copy)).toEqual(expected);
    expect(expected).toContain("users");
    expect((await copy.query<{ n: number }>("SELECT count(*)::int AS n FROM users")).rows[0]?.n).toBe(0);
    // The migrations it was made with are recorded, so starting from it applies none of them again.
    await migrate(drizzle({ client: copy }) as never, { migrationsFolder: MIGRATIONS_FOLDER });
    expect(await tables(copy)).toEqual(expected);
    await copy.close();
  }, 60_000);

  test("another set of migrations never loads a template made for these", async () => {
    const cache = join(root, "cache");
    const changed = join(root, "migrations");
    cpSync(MIGRATIONS_FOLDER, changed, { recursive: true });
    expect(pgliteTemplate(changed, cache).load()).toBeDefined();
    writeFileSync(join(changed, "9999_new.sql"), "CREATE TABLE later (id bigint);");
    expect(pgliteTemplate(changed, cache).load()).toBeUndefined();
  });
});
