import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Guild, MfaLevel, checkGuildCount, normalizeGuildName } from "../domain/guild";
import { serverCreated } from "../domain/guild-events";
import { newMember } from "../domain/member";
import { everyoneRoleOf } from "../domain/role";
import type { GuildDeps } from "./guild-deps";
import type { GuildView } from "./guild-view";

/**
 * Creates a guild in one transaction (SERVER_CREATED): the guild, its @everyone role, a `general` text and a
 * `General` voice channel, and the creator as owner and first member. LIMIT_REACHED past 200 guilds.
 */
export const createGuild =
  (deps: Pick<GuildDeps, "unitOfWork" | "clock" | "ids">) =>
  async (userId: Snowflake, input: { name: string }): Promise<GuildView> => {
    const name = normalizeGuildName(input.name);
    const now = new Date(deps.clock.now());
    const guild: Guild = { id: deps.ids.next(), name, icon: null, ownerId: userId, createdAt: now, mfaLevel: MfaLevel.NONE };
    const everyone = everyoneRoleOf(guild.id);
    return deps.unitOfWork(async (repositories) => {
      checkGuildCount(await repositories.members.countForUser(userId));
      await repositories.guilds.insert(guild);
      await repositories.roles.insert(everyone);
      await repositories.members.insert(newMember(guild.id, userId, now));
      const channels = await repositories.channels.createDefaults(guild.id);
      await repositories.record([serverCreated(guild, [everyone], channels)]);
      return { guild, roles: [everyone], channels };
    });
  };
