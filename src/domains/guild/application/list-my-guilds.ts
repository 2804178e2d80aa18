import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Guild } from "../domain/guild";
import type { GuildDeps } from "./guild-deps";

/** The guilds the caller is a member of, oldest first. */
export const listMyGuilds =
  (deps: Pick<GuildDeps, "repositories">) =>
  (userId: Snowflake): Promise<Guild[]> =>
    deps.repositories.guilds.listForMember(userId);
