import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkGuildCount } from "../domain/guild";
import { bannedFromGuild, botsCannotJoin, unknownInvite } from "../domain/guild-errors";
import { memberAdded } from "../domain/guild-events";
import { memberPayload } from "../domain/guild-payloads";
import { isUsable } from "../domain/invite";
import { newMember } from "../domain/member";
import type { GuildDeps } from "./guild-deps";
import { getGuild } from "./get-guild";
import { profileOf } from "./guild-context";
import type { GuildView } from "./guild-view";

/** Thrown inside the transaction to roll back a use already counted when a concurrent join of the same user won. */
class AlreadyJoined extends Error {}

/**
 * Joins the guild of an invite (GUILD_MEMBER_ADD) and answers the guild. A member already gets the guild without
 * using the invite up; a banned user is refused; an expired or used-up code is unknown. The use is counted by an
 * atomic conditional update in the same transaction as the membership, so an invite with one use left admits
 * exactly one of any number of concurrent joiners.
 */
export const joinGuild = (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users" | "channels" | "clock">) => {
  const view = getGuild(deps);
  return async (userId: Snowflake, code: string): Promise<GuildView> => {
    const now = new Date(deps.clock.now());
    const invite = await deps.repositories.invites.find(code);
    if (!invite || !isUsable(invite, now)) throw unknownInvite();
    const guildId = invite.guildId;
    const user = await profileOf(deps.users, userId);
    // Discord's 20001: bots join only when someone with MANAGE_GUILD adds them (POST /oauth2/authorize).
    if (user.bot) throw botsCannotJoin();
    await deps
      .unitOfWork(async (repositories) => {
        if (await repositories.bans.find(guildId, userId)) throw bannedFromGuild();
        if (await repositories.members.find(guildId, userId)) return;
        checkGuildCount(await repositories.members.countForUser(userId));
        if (!(await repositories.invites.consumeUse(code, now))) throw unknownInvite();
        const member = newMember(guildId, userId, now);
        if (!(await repositories.members.insert(member))) throw new AlreadyJoined();
        await repositories.record([memberAdded(guildId, memberPayload(member, user))]);
      })
      .catch((error: unknown) => {
        if (!(error instanceof AlreadyJoined)) throw error;
      });
    return view(userId, guildId);
  };
};
