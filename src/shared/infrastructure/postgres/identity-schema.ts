import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { reference, snowflake, timestamptz } from "./columns";

/** Accounts. Deleted accounts keep their row with personal fields erased, so history stays readable. */
export const users = pgTable(
  "users",
  {
    id: snowflake("id").primaryKey(),
    /** Stored lower-cased, so the plain unique index makes `Alice` and `alice` collide. */
    username: text("username").notNull(),
    displayName: text("display_name"),
    avatar: text("avatar"),
    bot: boolean("bot").notNull().default(false),
    /** Null once deleted; case is kept, uniqueness ignores it. */
    email: text("email"),
    /** argon2id, encoded with its parameters; null once deleted. */
    passwordHash: text("password_hash"),
    deleted: boolean("deleted").notNull().default(false),
    createdAt: timestamptz("created_at").notNull(),
    updatedAt: timestamptz("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("users_username_key").on(table.username),
    uniqueIndex("users_email_lower_key").on(sql`lower(${table.email})`),
  ],
);

/** One login on one device; `revoked_at` is the source of truth for refresh. */
export const sessions = pgTable(
  "sessions",
  {
    id: snowflake("id").primaryKey(),
    userId: reference("user_id", () => users.id),
    createdAt: timestamptz("created_at").notNull(),
    lastUsedAt: timestamptz("last_used_at").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    revokedAt: timestamptz("revoked_at"),
  },
  (table) => [index("sessions_user_idx").on(table.userId)],
);

/** The rotating refresh tokens of each session, by the SHA-256 of their secret; used ones stay for reuse detection. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    sessionId: reference("session_id", () => sessions.id, { onDelete: "cascade" }),
    expiresAt: timestamptz("expires_at").notNull(),
    usedAt: timestamptz("used_at"),
    /** The hash of the token that replaced this one. */
    replacedBy: text("replaced_by"),
  },
  (table) => [index("refresh_tokens_session_idx").on(table.sessionId)],
);
