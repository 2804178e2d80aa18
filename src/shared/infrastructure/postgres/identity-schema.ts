import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
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

/** Applications (Discord's developer applications): an owner, a name, flags, and at most one bot account. */
export const applications = pgTable(
  "applications",
  {
    id: snowflake("id").primaryKey(),
    ownerId: reference("owner_id", () => users.id),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Discord's application flags; only the privileged-intent bits are ever set. */
    flags: integer("flags").notNull().default(0),
    /** The bot account, once created; unique, so a bot belongs to one application. */
    botUserId: snowflake("bot_user_id").references(() => users.id),
    /** A random hex key shown as Discord's `verify_key` (XCord verifies no interaction signatures with it). */
    verifyKey: text("verify_key").notNull(),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [index("applications_owner_idx").on(table.ownerId), uniqueIndex("applications_bot_user_key").on(table.botUserId)],
);

/**
 * Bot tokens, by the SHA-256 of the whole token (the secret part is 256 random bits, so a fast hash is enough: there
 * is nothing to brute-force). The id is the token's "session": resetting revokes it like a logged-out session.
 */
export const botTokens = pgTable(
  "bot_tokens",
  {
    id: snowflake("id").primaryKey(),
    applicationId: reference("application_id", () => applications.id, { onDelete: "cascade" }),
    userId: reference("user_id", () => users.id),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    revokedAt: timestamptz("revoked_at"),
  },
  (table) => [index("bot_tokens_application_idx").on(table.applicationId), index("bot_tokens_revoked_idx").on(table.revokedAt)],
);
