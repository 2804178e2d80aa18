import { and, asc, eq, inArray } from "drizzle-orm";
import type { Emoji, EmojiImageType } from "../../../domains/guild/domain/emoji";
import type { EmojiRepository } from "../../../domains/guild/domain/emoji-repository";
import type { DbExecutor } from "./database";
import { guildEmojiRoles, guildEmojis } from "./emoji-schema";
import { guilds } from "./guild-schema";

type EmojiRow = typeof guildEmojis.$inferSelect;

/** A guild's custom emoji in Postgres: one row each, their roles in guild_emoji_roles. */
export class DrizzleEmojiRepository implements EmojiRepository {
  constructor(private readonly db: DbExecutor) {}

  async listByGuild(guildId: string): Promise<Emoji[]> {
    return this.withRoles(await this.db.select().from(guildEmojis).where(eq(guildEmojis.guildId, guildId)).orderBy(asc(guildEmojis.id)));
  }

  async listLocked(guildId: string): Promise<Emoji[]> {
    await this.db.select({ id: guilds.id }).from(guilds).where(eq(guilds.id, guildId)).for("update");
    return this.listByGuild(guildId);
  }

  async find(emojiId: string): Promise<Emoji | null> {
    const [emoji] = await this.withRoles(await this.db.select().from(guildEmojis).where(eq(guildEmojis.id, emojiId)));
    return emoji ?? null;
  }

  async insert(emoji: Emoji): Promise<void> {
    const { roleIds, ...row } = emoji;
    await this.db.insert(guildEmojis).values(row);
    await this.insertRoles(emoji.id, roleIds);
  }

  async update(emoji: Emoji): Promise<void> {
    await this.db
      .update(guildEmojis)
      .set({ name: emoji.name })
      .where(and(eq(guildEmojis.id, emoji.id), eq(guildEmojis.guildId, emoji.guildId)));
    await this.db.delete(guildEmojiRoles).where(eq(guildEmojiRoles.emojiId, emoji.id));
    await this.insertRoles(emoji.id, emoji.roleIds);
  }

  async delete(guildId: string, emojiId: string): Promise<void> {
    await this.db.delete(guildEmojis).where(and(eq(guildEmojis.id, emojiId), eq(guildEmojis.guildId, guildId)));
  }

  private async insertRoles(emojiId: string, roleIds: readonly string[]): Promise<void> {
    if (roleIds.length > 0) await this.db.insert(guildEmojiRoles).values(roleIds.map((roleId) => ({ emojiId, roleId })));
  }

  /** The rows as emoji, each with its role ids (one more query for all of them). */
  private async withRoles(rows: readonly EmojiRow[]): Promise<Emoji[]> {
    if (rows.length === 0) return [];
    const links = await this.db
      .select()
      .from(guildEmojiRoles)
      .where(inArray(guildEmojiRoles.emojiId, rows.map((row) => row.id)))
      .orderBy(asc(guildEmojiRoles.roleId));
    return rows.map((row) => ({
      ...row,
      contentType: row.contentType as EmojiImageType,
      roleIds: links.filter((link) => link.emojiId === row.id).map((link) => link.roleId),
    }));
  }
}
