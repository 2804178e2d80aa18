import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, loadTarget, profileOf } from "./guild-context";
import type { MemberView } from "./list-members";

/** One member of a guild; UNKNOWN_MEMBER when the user is not one. Members only. */
export const getMember =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, memberId: Snowflake): Promise<MemberView> => {
    const context = await loadGuildContext(deps.repositories, guildId, userId);
    const { member } = await loadTarget(deps.repositories, context, memberId);
    return { member, user: await profileOf(deps.users, member.userId) };
  };
