import type { Clock } from "../../../shared/kernel/clock";
import type { CommitNotice, CommitNotices } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { PermissionResolver, ResolvedChannel } from "../domain/permission-resolver";
import { isThread } from "../domain/channel";

/**
 * Which committed events change which answers. Most are the guild domain's and the message domain's events, which
 * this domain does not import (guild depends on it, and so does message): the composition root names them,
 * checked against those domains' event types (src/app-events.ts).
 */
export interface PermissionChanges {
  /** After these, what anyone may do in the event's guild may have changed (roles, @everyone, the owner). */
  readonly guildWide: ReadonlySet<string>;
  /** After these, what the event's user may do in its guild may have changed (their roles, membership, a ban). */
  readonly member: ReadonlySet<string>;
  /**
   * After these, what the event's user may do in every guild may have changed: their account (two-factor login, which
   * a guild's MFA level asks of its moderators).
   */
  readonly user: ReadonlySet<string>;
  /** These change a channel as `forChannel` reads it: its settings and overwrites, or its newest message gone. */
  readonly channel: ReadonlySet<string>;
  /** A sent message: it changes only the channel's `lastMessageId`, which the cache moves forward in place. */
  readonly messageSent: string;
}

/** The later of two message ids (null: none yet). */
const later = (current: Snowflake | null, candidate: Snowflake): Snowflake => (current === null || BigInt(candidate) > BigInt(current) ? candidate : current);

/** `resolved` with the channel's newest message at least `messageId`. */
const withNewest = (resolved: ResolvedChannel, messageId: Snowflake): ResolvedChannel => {
  const lastMessageId = later(resolved.channel.lastMessageId, messageId);
  return lastMessageId === resolved.channel.lastMessageId ? resolved : { ...resolved, channel: { ...resolved.channel, lastMessageId } };
};

interface ChannelEntry {
  guildId: Snowflake | null;
  /** The newest message sent to the channel since its answers were read; applied to an answer when it is read. */
  newest: Snowflake | null;
  readonly users: Map<Snowflake, { resolved: ResolvedChannel; readonly expiresAt: number }>;
}

/**
 * `forChannel`, the question every message read, send and reaction asks, answered from the node's memory after
 * the first time: (channel, user) → the channel and the user's permissions in it. Every other question goes to
 * `inner`.
 *
 * What may change an answer is a committed event (roles, members, bans, the guild's owner, the channel's
 * overwrites and settings, its newest message), and each is announced to every node before its writer answers
 * (commit notices): the answers it may have changed are dropped then. An answer read while a notice came in is not
 * kept, nothing is kept while the node may be missing notices, and a dropped subscription empties the cache; an
 * answer also lives at most `ttlMs`, which bounds what a lost notice could cost. A sent message is the exception,
 * since sends are the hot path: it moves the cached channel's `lastMessageId` forward instead of dropping the
 * channel, and an answer read while messages were sent to its channel is kept with the newest of them.
 */
export const createPermissionCache = (options: {
  readonly inner: PermissionResolver;
  readonly notices: CommitNotices;
  readonly clock: Clock;
  readonly changes: PermissionChanges;
  readonly ttlMs?: number;
  readonly maxChannels?: number;
}): PermissionResolver & { close(): void; size(): number } => {
  const { inner, notices, clock, changes } = options;
  const ttlMs = options.ttlMs ?? 10_000;
  const maxChannels = options.maxChannels ?? 50_000;
  const byChannel = new Map<Snowflake, ChannelEntry>();
  const channelsOfGuild = new Map<Snowflake, Set<Snowflake>>();
  /** Threads by parent: a thread's answers are computed from its parent's overwrites, so they go with the parent's. */
  const threadsOfParent = new Map<Snowflake, Set<Snowflake>>();
  /** Bumped by every notice the cache acts on but sends: an answer read across one is not kept. */
  let generation = 0;
  /** Channels being read, with how many reads and the newest message sent to each meanwhile. */
  const loading = new Map<Snowflake, { reads: number; newest: Snowflake | null }>();

  const forgetChannel = (channelId: Snowflake) => {
    const entry = byChannel.get(channelId);
    if (!entry) return;
    byChannel.delete(channelId);
    if (entry.guildId) {
      const channels = channelsOfGuild.get(entry.guildId);
      channels?.delete(channelId);
      if (channels?.size === 0) channelsOfGuild.delete(entry.guildId);
    }
  };
  const forgetWithThreads = (channelId: Snowflake) => {
    forgetChannel(channelId);
    const threads = threadsOfParent.get(channelId);
    threadsOfParent.delete(channelId);
    for (const threadId of threads ?? []) forgetChannel(threadId);
  };
  const clear = () => {
    generation++;
    byChannel.clear();
    channelsOfGuild.clear();
    threadsOfParent.clear();
  };
  const messageSent = (channelId: Snowflake, messageId: Snowflake) => {
    const read = loading.get(channelId);
    if (read) read.newest = later(read.newest, messageId);
    const entry = byChannel.get(channelId);
    if (entry) entry.newest = later(entry.newest, messageId);
  };
  const apply = (notice: CommitNotice) => {
    if (changes.channel.has(notice.type) && notice.channelId) forgetWithThreads(notice.channelId);
    if (changes.user.has(notice.type) && notice.userId) for (const entry of byChannel.values()) entry.users.delete(notice.userId);
    if (!notice.guildId) return;
    const channels = [...(channelsOfGuild.get(notice.guildId) ?? [])];
    if (changes.guildWide.has(notice.type)) for (const channelId of channels) forgetChannel(channelId);
    else if (changes.member.has(notice.type) && notice.userId) {
      for (const channelId of channels) byChannel.get(channelId)?.users.delete(notice.userId);
    }
  };
  const stopWatching = notices.watch(
    new Set([...changes.guildWide, ...changes.member, ...changes.user, ...changes.channel, changes.messageSent]),
    (batch) => {
      for (const notice of batch) {
        if (notice.type !== changes.messageSent) {
          generation++;
          apply(notice);
        } else if (notice.channelId && notice.messageId) messageSent(notice.channelId, notice.messageId);
      }
    },
    clear,
  );

  const store = (userId: Snowflake, resolved: ResolvedChannel) => {
    const channelId = resolved.channel.id;
    let entry = byChannel.get(channelId);
    if (!entry) {
      if (byChannel.size >= maxChannels) forgetChannel(byChannel.keys().next().value as Snowflake);
      byChannel.set(channelId, (entry = { guildId: resolved.guildId, newest: null, users: new Map() }));
      if (isThread(resolved.channel)) {
        let threads = threadsOfParent.get(resolved.channel.parentId);
        if (!threads) threadsOfParent.set(resolved.channel.parentId, (threads = new Set()));
        threads.add(channelId);
      }
      if (resolved.guildId) {
        let channels = channelsOfGuild.get(resolved.guildId);
        if (!channels) channelsOfGuild.set(resolved.guildId, (channels = new Set()));
        channels.add(channelId);
      }
    }
    entry.users.set(userId, { resolved, expiresAt: clock.now() + ttlMs });
  };

  return {
    async forChannel(userId, channelId) {
      const entry = byChannel.get(channelId);
      const cached = entry?.users.get(userId);
      if (cached && cached.expiresAt > clock.now()) {
        if (entry!.newest !== null) cached.resolved = withNewest(cached.resolved, entry!.newest);
        return cached.resolved;
      }
      const started = generation;
      const trusted = notices.hearing();
      let read = loading.get(channelId);
      if (!read) loading.set(channelId, (read = { reads: 0, newest: null }));
      read.reads++;
      let resolved: ResolvedChannel | null;
      try {
        resolved = await inner.forChannel(userId, channelId);
      } finally {
        if (--read.reads === 0) loading.delete(channelId);
      }
      if (resolved && read.newest !== null) resolved = withNewest(resolved, read.newest);
      // A channel that does not exist is not remembered: it is never asked for again but by a guess.
      if (resolved && trusted && started === generation && notices.hearing()) store(userId, resolved);
      return resolved;
    },
    inGuild: (userId, guildId, overwrites) => inner.inGuild(userId, guildId, overwrites),
    channelsOf: (userId, guildId) => inner.channelsOf(userId, guildId),
    close() {
      stopWatching();
      clear();
    },
    size: () => byChannel.size,
  };
};
