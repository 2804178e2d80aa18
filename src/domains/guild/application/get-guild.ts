import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext } from "./guild-context";
import type { GuildView } from "./guild-view";

/** A guild with its roles, its emoji and the channels the caller can view; members only. */
export const getGuild =
  (deps: Pick<GuildDeps, "repositories" | "channels">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<GuildView> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const [channels, emojis] = await Promise.all([deps.channels.visibleTo(guildId, userId), deps.repositories.emojis.listByGuild(guildId)]);
    return { guild: context.guild, roles: context.roles, channels, emojis };
  };
