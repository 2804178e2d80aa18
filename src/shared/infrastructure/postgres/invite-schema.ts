import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { channels } from "./channel-schema";
import { reference, snowflake, timestamptz } from "./columns";
import { guilds } from "./guild-schema";
import { users } from "./identity-schema";

// Its own file because an invite references both a guild and a channel, and channels reference guilds: kept in
// guild-schema.ts, the two schema files would import each other.

/** Invites die with their guild or their channel. */
export const invites = pgTable(
  "invites",
  {
    code: text("code").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    inviterId: reference("inviter_id", () => users.id),
    uses: integer("uses").notNull().default(0),
    maxUses: integer("max_uses").notNull(),
    maxAge: integer("max_age").notNull(),
    createdAt: timestamptz("created_at").notNull(),
    expiresAt: timestamptz("expires_at"),
  },
  (table) => [index("invites_guild_idx").on(table.guildId), index("invites_channel_idx").on(table.channelId)],
);
