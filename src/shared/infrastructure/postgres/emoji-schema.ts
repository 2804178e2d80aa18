import { boolean, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { reference, snowflake } from "./columns";
import { guilds, roles } from "./guild-schema";

/** A guild's custom emoji; the image bytes are in the blob store under `emojis/<id>`. Rows go with their guild. */
export const guildEmojis = pgTable(
  "guild_emojis",
  {
    id: snowflake("id").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** The uploader; no foreign key, so that an account's deletion leaves the guild's emoji alone. */
    creatorId: snowflake("creator_id").notNull(),
    animated: boolean("animated").notNull(),
    /** image/png, image/gif or image/webp, told from the bytes at upload. */
    contentType: text("content_type").notNull(),
  },
  (table) => [index("guild_emojis_guild_idx").on(table.guildId)],
);

/** The roles allowed to use an emoji (none: every member); a deleted role leaves every emoji's list. */
export const guildEmojiRoles = pgTable(
  "guild_emoji_roles",
  {
    emojiId: reference("emoji_id", () => guildEmojis.id, { onDelete: "cascade" }),
    roleId: reference("role_id", () => roles.id, { onDelete: "cascade" }),
  },
  (table) => [primaryKey({ name: "guild_emoji_roles_pkey", columns: [table.emojiId, table.roleId] }), index("guild_emoji_roles_role_idx").on(table.roleId)],
);
