import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Member } from "../domain/member";
import type { UserProfile } from "../../../shared/kernel/users";
import type { GuildDeps } from "./guild-deps";
import { loadGuildContext, profilesOf } from "./guild-context";

/** A member with the public profile of their account. */
export interface MemberView {
  readonly member: Member;
  readonly user: UserProfile;
}

/** Attaches profiles to members; a membership whose account vanished is left out. */
export const withProfiles = async (deps: Pick<GuildDeps, "users">, members: readonly Member[]): Promise<MemberView[]> => {
  const users = await profilesOf(
    deps.users,
    members.map((member) => member.userId),
  );
  return members.flatMap((member) => {
    const user = users.get(member.userId);
    return user ? [{ member, user }] : [];
  });
};

/** A page of a guild's members by ascending user id (Discord's default page is one member); members only. */
export const listMembers =
  (deps: Pick<GuildDeps, "repositories" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake, page: { limit: number; after?: Snowflake }): Promise<MemberView[]> => {
    await loadGuildContext(deps.repositories, guildId, userId);
    return withProfiles(deps, await deps.repositories.members.list(guildId, page));
  };
