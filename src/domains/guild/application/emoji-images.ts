import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Emoji, emojiImageKey, mayUseEmoji } from "../domain/emoji";
import type { StoredImage } from "../domain/emoji-repository";
import { unknownEmoji } from "../domain/guild-errors";
import type { GuildDeps } from "./guild-deps";

/** An emoji's image as its CDN route serves it. */
export interface EmojiImage {
  readonly emoji: Emoji;
  readonly image: StoredImage;
}

/** An emoji's image for anyone (Discord's CDN is public: the id is all it takes); UNKNOWN_EMOJI when there is none. */
export const openEmojiImage =
  (deps: Pick<GuildDeps, "repositories" | "emojiImages">) =>
  async (emojiId: Snowflake): Promise<EmojiImage> => {
    const emoji = await deps.repositories.emojis.find(emojiId);
    const image = emoji && (await deps.emojiImages.get(emojiImageKey(emoji.id)));
    if (!emoji || !image) throw unknownEmoji();
    return { emoji, image };
  };

/**
 * The custom emoji `userId` may react with, or null: it must exist, the user must be a member of its guild, and
 * hold one of its roles when it names any (Discord's rule for reactions).
 */
export const usableEmoji =
  (deps: Pick<GuildDeps, "repositories">) =>
  async (userId: Snowflake, emojiId: Snowflake): Promise<Emoji | null> => {
    const emoji = await deps.repositories.emojis.find(emojiId);
    if (!emoji) return null;
    const member = await deps.repositories.members.find(emoji.guildId, userId);
    return member && mayUseEmoji(emoji, member.roleIds) ? emoji : null;
  };
