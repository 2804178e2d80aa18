import { index, pgTable, text } from "drizzle-orm/pg-core";
import { channels } from "./channel-schema";
import { reference, snowflake } from "./columns";
import { guilds } from "./guild-schema";
import { users } from "./identity-schema";

/**
 * Incoming webhooks of guild text channels. Only the SHA-256 of each token is kept: the token itself is shown once,
 * when the webhook is created. Webhooks die with their channel (and so with their guild); their messages do not.
 * Creation time is the id's timestamp.
 */
export const webhooks = pgTable(
  "webhooks",
  {
    id: snowflake("id").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    creatorId: reference("creator_id", () => users.id),
    name: text("name").notNull(),
    avatar: text("avatar"),
    /** Hex SHA-256 of the token. */
    tokenHash: text("token_hash").notNull(),
  },
  (table) => [index("webhooks_channel_idx").on(table.channelId), index("webhooks_guild_idx").on(table.guildId)],
);
