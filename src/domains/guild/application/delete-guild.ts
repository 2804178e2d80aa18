import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingPermissions } from "../domain/guild-errors";
import { serverDeleted } from "../domain/guild-events";
import { loadGuildContext } from "./guild-context";
import type { GuildDeps } from "./guild-deps";

/** Deletes a guild with its members, roles, channels, overwrites, invites and bans (SERVER_DELETED); owner only. */
export const deleteGuild =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<void> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    if (!context.actor.isOwner) throw missingPermissions("only the owner can delete the guild");
    await deps.unitOfWork(async (repositories) => {
      await repositories.guilds.delete(guildId);
      await repositories.record([serverDeleted(guildId)]);
    });
  };
