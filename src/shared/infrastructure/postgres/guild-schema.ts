import { bigint, boolean, foreignKey, index, integer, pgTable, primaryKey, smallint, text, uniqueIndex } from "drizzle-orm/pg-core";
import { reference, snowflake, timestamptz } from "./columns";
import { users } from "./identity-schema";

/*
 * Deleting a guild cascades to everything below it through ON DELETE CASCADE: roles, members (and their roles),
 * bans, and through channel-schema.ts and invite-schema.ts its channels, their overwrites and its invites.
 */

export const guilds = pgTable(
  "guilds",
  {
    id: snowflake("id").primaryKey(),
    name: text("name").notNull(),
    icon: text("icon"),
    ownerId: reference("owner_id", () => users.id),
    createdAt: timestamptz("created_at").notNull(),
    /** Discord's MFA level: 0 none, 1 elevated (moderators need two-factor login); set by the owner. */
    mfaLevel: smallint("mfa_level").notNull().default(0),
  },
  (table) => [index("guilds_owner_idx").on(table.ownerId)],
);

/** @everyone is the role whose id equals its guild's id. */
export const roles = pgTable(
  "roles",
  {
    id: snowflake("id").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    color: integer("color").notNull().default(0),
    position: integer("position").notNull().default(0),
    permissions: bigint("permissions", { mode: "bigint" }).notNull(),
    hoist: boolean("hoist").notNull().default(false),
    mentionable: boolean("mentionable").notNull().default(false),
    /** The bot whose managed role this is (Discord's `tags.bot_id`), or null for a role people made. */
    botId: snowflake("bot_id"),
  },
  (table) => [index("roles_guild_idx").on(table.guildId), uniqueIndex("roles_guild_bot_key").on(table.guildId, table.botId)],
);

export const members = pgTable(
  "members",
  {
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    userId: reference("user_id", () => users.id),
    nick: text("nick"),
    joinedAt: timestamptz("joined_at").notNull(),
  },
  // The primary key serves "members of a guild by user id"; the second index "guilds of a user".
  (table) => [primaryKey({ name: "members_pkey", columns: [table.guildId, table.userId] }), index("members_user_idx").on(table.userId)],
);

/** Which member holds which role (never @everyone); leaving or losing the role deletes the row. */
export const memberRoles = pgTable(
  "member_roles",
  {
    guildId: snowflake("guild_id").notNull(),
    userId: snowflake("user_id").notNull(),
    roleId: reference("role_id", () => roles.id, { onDelete: "cascade" }),
  },
  (table) => [
    primaryKey({ name: "member_roles_pkey", columns: [table.guildId, table.userId, table.roleId] }),
    foreignKey({ name: "member_roles_member_fk", columns: [table.guildId, table.userId], foreignColumns: [members.guildId, members.userId] }).onDelete(
      "cascade",
    ),
    index("member_roles_role_idx").on(table.roleId),
  ],
);

export const bans = pgTable(
  "bans",
  {
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    userId: reference("user_id", () => users.id),
    reason: text("reason"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [primaryKey({ name: "bans_pkey", columns: [table.guildId, table.userId] })],
);
