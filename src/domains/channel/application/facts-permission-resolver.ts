import { isSnowflake } from "../../../shared/kernel/snowflake";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { isGuildChannel } from "../domain/channel";
import type { Overwrite } from "../domain/overwrite";
import type { PermissionFacts } from "../domain/permission-facts";
import type { PermissionResolver, ResolvedChannel } from "../domain/permission-resolver";
import { permissionsFrom, resolveChannel } from "../domain/permission-rules";

/**
 * Permissions computed in process from the stored facts. `forChannel`, the hot path, reads its facts in one round
 * trip; ids that are not snowflakes are answered without asking (one past int64 would fail in a query as a 500).
 */
export class FactsPermissionResolver implements PermissionResolver {
  constructor(private readonly facts: PermissionFacts) {}

  async forChannel(userId: Snowflake, channelId: Snowflake): Promise<ResolvedChannel | null> {
    if (!isSnowflake(channelId) || !isSnowflake(userId)) return null;
    const found = await this.facts.channel(channelId, userId);
    return found ? resolveChannel(found.channel, found.guild, userId, found.thread) : null;
  }

  async channelsOf(userId: Snowflake, guildId: Snowflake): Promise<ResolvedChannel[]> {
    if (!isSnowflake(guildId)) return [];
    const [facts, channels] = await Promise.all([this.facts.guild(guildId, userId), this.facts.channelsOf(guildId)]);
    if (!facts) return [];
    return channels.map((channel) => {
      const overwrites = isGuildChannel(channel) ? channel.overwrites : [];
      return { channel, guildId, permissions: permissionsFrom(facts, guildId, userId, overwrites) };
    });
  }

  async inGuild(userId: Snowflake, guildId: Snowflake, overwrites: readonly Overwrite[]): Promise<bigint> {
    if (!isSnowflake(guildId) || !isSnowflake(userId)) return 0n;
    const facts = await this.facts.guild(guildId, userId);
    return facts ? permissionsFrom(facts, guildId, userId, overwrites) : 0n;
  }
}
