import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbExecutor } from "./database";

/** Deletes the rows of `table` that `where` selects, in one statement; whether there were any. */
export const deleteRows = async (db: DbExecutor, table: PgTable, where: SQL | undefined): Promise<boolean> =>
  (await db.delete(table).where(where).returning({ deleted: sql<number>`1` })).length > 0;
