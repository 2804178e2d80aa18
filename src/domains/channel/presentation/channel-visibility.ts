import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { PermissionResolver } from "../domain/permission-resolver";
import { isThread } from "../domain/channel";

/** Cached (channel, user) answers kept per node; the oldest channels go first past this. */
const MAX_CHANNELS = 50_000;
/** Changed channels whose earlier answers are kept (see `previously`). */
const MAX_REMEMBERED_CHANGES = 100;

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
  /** Threads by parent: a thread's answers are its parent's, so a change of the parent drops them too. */
  const threadsOfParent = new Map<Snowflake, Set<Snowflake>>();

  const forgetChannel = (channelId: Snowflake) => {
    const entry = byChannel.get(channelId);
    byChannel.delete(channelId);
    if (entry?.guildId) channelsOfGuild.get(entry.guildId)?.delete(channelId);
    const threads = threadsOfParent.get(channelId);
    threadsOfParent.delete(channelId);
    for (const threadId of threads ?? []) forgetChannel(threadId);
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

  /** Everyone's answers in the guild's channels: its roles or @everyone changed. */
  const forgetGuild = (guildId: Snowflake) => {
    for (const channelId of [...(channelsOfGuild.get(guildId) ?? [])]) forgetChannel(channelId);
  };

  /**
   * The answers a channel's change dropped, kept until its next change (for the last few channels changed): what
   * each user could do there before, which tells who just gained access (THREAD_LIST_SYNC).
   */
  const before = new Map<Snowflake, Map<Snowflake, Promise<bigint> | bigint>>();
  const forgetChanged = (channelId: Snowflake) => {
    const users = byChannel.get(channelId)?.users;
    before.delete(channelId);
    if (users) {
      if (before.size >= MAX_REMEMBERED_CHANGES) before.delete(before.keys().next().value as Snowflake);
      before.set(channelId, users);
    }
    forgetChannel(channelId);
  };

  /** One member's answers in the guild's channels: their roles or membership changed. */
  const forgetMember = (guildId: Snowflake, userId: Snowflake) => {
    for (const channelId of channelsOfGuild.get(guildId) ?? []) byChannel.get(channelId)?.users.delete(userId);
  };

  /** The user's answers everywhere: something of the account itself changed (two-factor login, under a guild MFA level). */
  const forgetUser = (userId: Snowflake) => {
    for (const entry of byChannel.values()) entry.users.delete(userId);
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
          if (resolved && isThread(resolved.channel)) {
            let threads = threadsOfParent.get(resolved.channel.parentId);
            if (!threads) threadsOfParent.set(resolved.channel.parentId, (threads = new Set()));
            threads.add(channelId);
          }
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

    /**
     * What an event changed, dropped: call these for every event when it reaches the node, before sessions decide
     * on it (src/app-events.ts says which events call which), so a permission change applies from the next event.
     */
    forgetGuild,
    forgetMember,
    forgetUser,
    forgetChannel: forgetChanged,

    /** The user's permissions in the channel before its last change, when the node knew them; undefined otherwise. */
    previously(userId: Snowflake, channelId: Snowflake): bigint | undefined {
      const answer = before.get(channelId)?.get(userId);
      return typeof answer === "bigint" ? answer : undefined;
    },

    /** Cached channels, for tests and metrics. */
    size: () => byChannel.size,
  };
};

export type ChannelVisibility = ReturnType<typeof createChannelVisibility>;
