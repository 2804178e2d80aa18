import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { reference, snowflake, timestamptz } from "./columns";
import { guilds } from "./guild-schema";

/**
 * The audit log: entries die with their guild, or when the retention period (AUDIT_LOG_RETENTION_DAYS) is over.
 * The actor and the target are not foreign keys: an entry outlives the user, role, channel or emoji it names.
 */
export const auditLogEntries = pgTable(
  "audit_log_entries",
  {
    id: snowflake("id").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    userId: snowflake("user_id").notNull(),
    targetId: snowflake("target_id"),
    actionType: integer("action_type").notNull(),
    changes: jsonb("changes").notNull(),
    options: jsonb("options"),
    reason: text("reason"),
    createdAt: timestamptz("created_at").notNull(),
  },
  (table) => [
    // The log newest first, and its two filters (Discord's user_id and action_type).
    index("audit_log_guild_idx").on(table.guildId, table.id.desc()),
    index("audit_log_guild_user_idx").on(table.guildId, table.userId, table.id.desc()),
    index("audit_log_guild_action_idx").on(table.guildId, table.actionType, table.id.desc()),
    index("audit_log_created_idx").on(table.createdAt),
  ],
);
