import type { DomainEvent } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { PermissionResolver } from "../domain/permission-resolver";

/** Cached (channel, user) answers kept per node; the oldest channels go first past this. */
const MAX_CHANNELS = 50_000;

/** Events after which a guild's cached permissions may be wrong, for everyone or for one member. */
const GUILD_WIDE = new Set(["GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE", "SERVER_UPDATED", "SERVER_DELETED"]);
const ONE_MEMBER = new Set(["GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "GUILD_BAN_ADD"]);
const ONE_CHANNEL = new Set(["CHANNEL_UPDATE", "CHANNEL_DELETE"]);

interface EventShape {
  readonly guild_id?: Snowflake;
  readonly id?: Snowflake;
  readonly user?: { readonly id: Snowflake };
}

/**
 * The gateway's node-wide answer to "what may this user do in this channel", asked for every dispatch of a channel
 * event: one database round trip per (channel, user) until an event says the answer may have changed. `observe`
 * must see every event when it reaches the node, before sessions decide on it, so a permission change takes effect
 * on the next event.
 */
export const createChannelVisibility = (resolver: PermissionResolver) => {
  /** Answers being read are promises; once read, the value itself, so a dispatch decides without waiting. */
  const byChannel = new Map<Snowflake, { guildId: Snowflake | null; users: Map<Snowflake, Promise<bigint> | bigint> }>();
  const channelsOfGuild = new Map<Snowflake, Set<Snowflake>>();

  const forgetChannel = (channelId: Snowflake) => {
    const entry = byChannel.get(channelId);
    byChannel.delete(channelId);
    if (entry?.guildId) channelsOfGuild.get(entry.guildId)?.delete(channelId);
  };

  const remember = (channelId: Snowflake, userId: Snowflake, answer: Promise<bigint>) => {
    let entry = byChannel.get(channelId);
    if (!entry) {
      if (byChannel.size >= MAX_CHANNELS) forgetChannel(byChannel.keys().next().value as Snowflake);
      byChannel.set(channelId, (entry = { guildId: null, users: new Map() }));
    }
    entry.users.set(userId, answer);
    void answer.then(
      () => undefined,
      () => entry.users.get(userId) === answer && entry.users.delete(userId),
    );
    return entry;
  };

  return {
    /**
     * The user's permissions in the channel; 0 when they cannot see it or it does not exist. A known answer comes
     * back as a value, not a promise.
     */
    permissions(userId: Snowflake, channelId: Snowflake): Promise<bigint> | bigint {
      const cached = byChannel.get(channelId)?.users.get(userId);
      if (cached !== undefined) return cached;
      const answer: Promise<bigint> = resolver.forChannel(userId, channelId).then((resolved) => {
        const permissions = resolved?.permissions ?? 0n;
        const entry = byChannel.get(channelId);
        if (entry && entry.users.get(userId) === answer) {
          entry.users.set(userId, permissions);
          if (resolved?.guildId) {
            entry.guildId = resolved.guildId;
            let set = channelsOfGuild.get(resolved.guildId);
            if (!set) channelsOfGuild.set(resolved.guildId, (set = new Set()));
            set.add(channelId);
          }
        }
        return permissions;
      });
      remember(channelId, userId, answer);
      return answer;
    },

    /** Drops what an event may have changed. */
    observe(event: DomainEvent): void {
      const data = event.data as EventShape;
      if (ONE_CHANNEL.has(event.type) && data.id) forgetChannel(data.id);
      if (!data.guild_id) return;
      const channels = [...(channelsOfGuild.get(data.guild_id) ?? [])];
      if (GUILD_WIDE.has(event.type)) for (const channelId of channels) forgetChannel(channelId);
      else if (ONE_MEMBER.has(event.type) && data.user) for (const channelId of channels) byChannel.get(channelId)?.users.delete(data.user.id);
    },

    /** Cached channels, for tests and metrics. */
    size: () => byChannel.size,
  };
};

export type ChannelVisibility = ReturnType<typeof createChannelVisibility>;
