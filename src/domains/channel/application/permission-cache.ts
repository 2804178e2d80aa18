import type { Clock } from "../../../shared/kernel/clock";
import type { CommitNotice, CommitNotices } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { PermissionResolver, ResolvedChannel } from "../domain/permission-resolver";

/** Commits after which what anyone may do in a guild may have changed. */
export const GUILD_WIDE_PERMISSION_EVENTS: ReadonlySet<string> = new Set(["GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE", "GUILD_ROLE_DELETE", "SERVER_UPDATED", "SERVER_DELETED"]);
/** Commits after which what one member (the event's user) may do in a guild may have changed. */
export const MEMBER_PERMISSION_EVENTS: ReadonlySet<string> = new Set(["GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE", "GUILD_BAN_ADD"]);
/** Commits that change a channel as `forChannel` reads it: its settings and overwrites, or its newest message. */
export const CHANNEL_CHANGING_EVENTS: ReadonlySet<string> = new Set(["CHANNEL_UPDATE", "CHANNEL_DELETE", "MESSAGE_SENT", "MESSAGE_DELETED", "MESSAGE_DELETED_BULK"]);

const WATCHED: ReadonlySet<string> = new Set([...GUILD_WIDE_PERMISSION_EVENTS, ...MEMBER_PERMISSION_EVENTS, ...CHANNEL_CHANGING_EVENTS]);

interface ChannelEntry {
  guildId: Snowflake | null;
  readonly users: Map<Snowflake, { readonly resolved: ResolvedChannel; readonly expiresAt: number }>;
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
 * answer also lives at most `ttlMs`, which bounds what a lost notice could cost.
 */
export const createPermissionCache = (options: {
  readonly inner: PermissionResolver;
  readonly notices: CommitNotices;
  readonly clock: Clock;
  readonly ttlMs?: number;
  readonly maxChannels?: number;
}): PermissionResolver & { close(): void; size(): number } => {
  const { inner, notices, clock } = options;
  const ttlMs = options.ttlMs ?? 10_000;
  const maxChannels = options.maxChannels ?? 50_000;
  const byChannel = new Map<Snowflake, ChannelEntry>();
  const channelsOfGuild = new Map<Snowflake, Set<Snowflake>>();
  /** Bumped by every notice the cache acts on: an answer read across one is not kept. */
  let generation = 0;

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
  const clear = () => {
    generation++;
    byChannel.clear();
    channelsOfGuild.clear();
  };
  const apply = (notice: CommitNotice) => {
    if (CHANNEL_CHANGING_EVENTS.has(notice.type) && notice.channelId) forgetChannel(notice.channelId);
    if (!notice.guildId) return;
    const channels = [...(channelsOfGuild.get(notice.guildId) ?? [])];
    if (GUILD_WIDE_PERMISSION_EVENTS.has(notice.type)) for (const channelId of channels) forgetChannel(channelId);
    else if (MEMBER_PERMISSION_EVENTS.has(notice.type) && notice.userId) {
      for (const channelId of channels) byChannel.get(channelId)?.users.delete(notice.userId);
    }
  };
  const stopWatching = notices.watch(
    WATCHED,
    (batch) => {
      generation++;
      for (const notice of batch) apply(notice);
    },
    clear,
  );

  const store = (userId: Snowflake, resolved: ResolvedChannel) => {
    const channelId = resolved.channel.id;
    let entry = byChannel.get(channelId);
    if (!entry) {
      if (byChannel.size >= maxChannels) forgetChannel(byChannel.keys().next().value as Snowflake);
      byChannel.set(channelId, (entry = { guildId: resolved.guildId, users: new Map() }));
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
      const cached = byChannel.get(channelId)?.users.get(userId);
      if (cached && cached.expiresAt > clock.now()) return cached.resolved;
      const started = generation;
      const trusted = notices.hearing();
      const resolved = await inner.forChannel(userId, channelId);
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
