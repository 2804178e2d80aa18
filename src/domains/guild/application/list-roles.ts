import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Role, byRank } from "../domain/role";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext } from "./guild-context";

/** A guild's roles, lowest rank first (@everyone leads); members only. */
export const listRoles =
  (deps: Pick<GuildDeps, "repositories">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<Role[]> =>
    byRank((await loadGuildContext(deps.repositories, guildId, userId)).roles);
