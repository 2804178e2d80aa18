import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
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
    /** True exactly when the user has a `user_totp` row; kept here so every read of a user carries it. */
    mfaEnabled: boolean("mfa_enabled").notNull().default(false),
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

/**
 * Two-factor (TOTP) enrolments. The secret is base32 as the user's authenticator holds it: the server needs it in
 * the clear to compute codes, so it is never returned by the API nor logged. `last_step` is the last RFC 6238 time
 * step whose code was accepted (no code of it or before is taken again); `failures` counts wrong codes since
 * `failures_since`, and `locked_until` refuses every code after too many.
 */
export const userTotp = pgTable("user_totp", {
  userId: reference("user_id", () => users.id, { onDelete: "cascade" }).primaryKey(),
  secret: text("secret").notNull(),
  lastStep: bigint("last_step", { mode: "number" }).notNull(),
  failures: integer("failures").notNull().default(0),
  failuresSince: timestamptz("failures_since"),
  lockedUntil: timestamptz("locked_until"),
  enabledAt: timestamptz("enabled_at").notNull(),
});

/** Single-use backup codes, by the SHA-256 of the user id and the code (they are random, so a fast hash will do). */
export const mfaBackupCodes = pgTable(
  "mfa_backup_codes",
  {
    userId: reference("user_id", () => users.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    usedAt: timestamptz("used_at"),
  },
  (table) => [primaryKey({ columns: [table.userId, table.codeHash] })],
);

/** Login tickets of enrolled users between password and code, by the SHA-256 of their secret; single-use, 5 minutes. */
export const mfaTickets = pgTable(
  "mfa_tickets",
  {
    ticketHash: text("ticket_hash").primaryKey(),
    userId: reference("user_id", () => users.id, { onDelete: "cascade" }),
    expiresAt: timestamptz("expires_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    usedAt: timestamptz("used_at"),
  },
  (table) => [index("mfa_tickets_user_idx").on(table.userId), index("mfa_tickets_expires_idx").on(table.expiresAt)],
);

/**
 * Friends, requests and blocks, Discord's relationships: one row per side that holds one. A friendship and a
 * request are two rows (FRIEND/FRIEND; PENDING_OUTGOING/PENDING_INCOMING); a block is the blocker's row alone.
 * `type` is Discord's: 1 FRIEND, 2 BLOCKED, 3 PENDING_INCOMING, 4 PENDING_OUTGOING.
 */
export const relationships = pgTable(
  "relationships",
  {
    userId: reference("user_id", () => users.id, { onDelete: "cascade" }),
    otherId: reference("other_id", () => users.id, { onDelete: "cascade" }),
    type: integer("type").notNull(),
    since: timestamptz("since").notNull(),
  },
  (table) => [
    primaryKey({ name: "relationships_pkey", columns: [table.userId, table.otherId] }),
    // Who blocked a user (their block list is read by user_id through the key).
    index("relationships_blocked_idx").on(table.otherId).where(sql`${table.type} = 2`),
  ],
);
