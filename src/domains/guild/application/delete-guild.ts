import type { Snowflake } from "../../../shared/kernel/snowflake";
import { emojiImageKey } from "../domain/emoji";
import { missingPermissions } from "../domain/guild-errors";
import { serverDeleted } from "../domain/guild-events";
import { loadGuildContext } from "./guild-context";
import type { GuildDeps } from "./guild-deps";

/**
 * Deletes a guild with its members, roles, channels, overwrites, invites, bans and emoji (SERVER_DELETED); owner
 * only. The emoji images go after the commit, as deleteEmoji removes one: a failure there leaves bytes nobody links
 * to, never an emoji without its image.
 */
export const deleteGuild =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "emojiImages">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    if (!context.actor.isOwner) throw missingPermissions("only the owner can delete the guild");
    const emojis = await deps.unitOfWork(async (repositories) => {
      // Under the guild's row lock, as uploads take it: no emoji is added between this list and the delete.
      const doomed = await repositories.emojis.listLocked(guildId);
      await repositories.guilds.delete(guildId);
      await repositories.record([serverDeleted(guildId)]);
      return doomed;
    });
    await Promise.all(emojis.map((emoji) => deps.emojiImages.delete(emojiImageKey(emoji.id)).catch(() => {})));
  };
