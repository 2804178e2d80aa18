import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { missingAccess, unknownGuild } from "../domain/guild-errors";
import { memberRemoved } from "../domain/guild-events";
import { userPayload } from "../../../shared/kernel/users";
import type { GuildDeps } from "./guild-deps";
import { dropManagedRoles } from "./managed-roles";
import { profileOf } from "./guild-context";

/** The caller leaves a guild (GUILD_MEMBER_REMOVE); the owner cannot, they must transfer or delete it first. */
export const leaveGuild =
  (deps: Pick<GuildDeps, "repositories" | "unitOfWork" | "users">) =>
  async (userId: Snowflake, guildId: Snowflake): Promise<void> => {
    const guild = await deps.repositories.guilds.find(guildId);
    if (!guild) throw unknownGuild();
    if (guild.ownerId === userId) {
      throw new DomainError(ErrorCode.VALIDATION, "The guild owner cannot leave the guild: transfer ownership or delete it.");
    }
    const user = await profileOf(deps.users, userId);
    await deps.unitOfWork(async (repositories) => {
      if (!(await repositories.members.delete(guildId, userId))) throw missingAccess();
      await repositories.record([memberRemoved(guildId, userPayload(user)), ...(await dropManagedRoles(repositories, guildId, user))]);
    });
  };
