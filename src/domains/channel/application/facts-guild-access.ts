import { isSnowflake } from "../../../shared/kernel/snowflake";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { GuildAccess, GuildStanding } from "../domain/guild-access";
import type { PermissionFacts } from "../domain/permission-facts";
import { standingFrom } from "../domain/permission-rules";

/** The channel domain's view of guilds, computed from the stored facts. Ids from a path may be anything: checked first. */
export class FactsGuildAccess implements GuildAccess {
  constructor(private readonly facts: PermissionFacts) {}

  async standing(guildId: Snowflake, userId: Snowflake): Promise<GuildStanding | null> {
    if (!isSnowflake(guildId) || !isSnowflake(userId)) return null;
    const facts = await this.facts.guild(guildId, userId);
    return facts ? standingFrom(facts, guildId, userId) : null;
  }

  async hasRole(guildId: Snowflake, roleId: Snowflake): Promise<boolean> {
    return isSnowflake(roleId) && this.facts.hasRole(guildId, roleId);
  }

  async hasMember(guildId: Snowflake, userId: Snowflake): Promise<boolean> {
    return isSnowflake(userId) && this.facts.hasMember(guildId, userId);
  }

  async hasEmoji(guildId: Snowflake, emojiId: Snowflake): Promise<boolean> {
    return isSnowflake(emojiId) && this.facts.hasEmoji(guildId, emojiId);
  }
}
