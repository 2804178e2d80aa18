import { bigint, customType, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

/** `bytea`: postgres-js reads it as a Buffer, PGlite as a Uint8Array; both are Uint8Arrays. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
  toDriver: (value) => value,
  fromDriver: (value) => value,
});

/**
 * The blobs of PostgresBlobStore (attachments when DATABASE_URL is set): one row per blob naming the generation of
 * chunks that is its content. A put writes a new generation's chunks first, then points the row at it in one short
 * transaction, so readers see the old bytes or the new ones, never half of either.
 */
export const blobs = pgTable("blobs", {
  key: text("key").primaryKey(),
  generation: uuid("generation").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  /** Bytes per chunk when written (every chunk but the last is this long). */
  chunkSize: integer("chunk_size").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
});

/**
 * A blob's bytes in chunks (256 KiB), each row read and written on its own: no statement carries a whole file.
 * Chunks of a generation no `blobs` row names (a put that died half-way) go with the key's next delete.
 */
export const blobChunks = pgTable(
  "blob_chunks",
  {
    key: text("key").notNull(),
    generation: uuid("generation").notNull(),
    seq: integer("seq").notNull(),
    data: bytea("data").notNull(),
  },
  (table) => [primaryKey({ columns: [table.key, table.generation, table.seq] })],
);
