import { type AnyPgColumn, customType, timestamp } from "drizzle-orm/pg-core";

/**
 * A snowflake stored as `bigint` and read back as the decimal string the domain uses.
 * postgres-js hands int8 over as a string and PGlite as a number or bigint; String() is exact for all three.
 */
export const snowflake = customType<{ data: string; driverData: string | number | bigint }>({
  dataType: () => "bigint",
  toDriver: (value) => value,
  fromDriver: (value) => String(value),
});

/** A UTC timestamp with time zone, read as a Date. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * A required snowflake naming a row of another table: drizzle's `.notNull().references(target, actions)`, the
 * foreign key of most tables (pass `{ onDelete: "cascade" }` for rows that die with their target).
 */
export const reference = (name: string, target: () => AnyPgColumn, actions: { readonly onDelete?: "cascade" } = {}) =>
  snowflake(name).notNull().references(target, actions);
