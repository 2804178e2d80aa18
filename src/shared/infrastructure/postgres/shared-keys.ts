import { eq } from "drizzle-orm";
import { sharedKeys } from "./blob-schema";
import type { Db } from "./database";

/**
 * The key named `name` that every node on this database uses: the first node to ask stores `candidate`, every
 * later one (and any racing it) reads what was stored. A node upgraded from a key of its own passes that key, so
 * links it signed before stay valid.
 */
export const sharedKey = async (db: Db, name: string, candidate: Uint8Array): Promise<Uint8Array> => {
  await db.insert(sharedKeys).values({ name, value: candidate }).onConflictDoNothing();
  const [row] = await db.select({ value: sharedKeys.value }).from(sharedKeys).where(eq(sharedKeys.name, name));
  if (!row) throw new Error(`shared key ${name} is missing right after it was stored`);
  return new Uint8Array(row.value);
};
