import type { Clock } from "../../../shared/kernel/clock";
import type { CommitNotices } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { GuildEvent } from "../../guild";
import type { AuthorMembership, MessageMembers } from "../domain/message-members";

/** After these, the event's user's membership (nick, roles, being a member at all) may read differently. */
export const MEMBERSHIP_CHANGES: ReadonlySet<string> = new Set<GuildEvent["type"]>(["MEMBER_ADDED", "MEMBER_UPDATED", "MEMBER_REMOVED", "BAN_ADDED"]);
/** After these, any membership may read differently (a deleted role leaves everyone's role lists). */
export const MEMBERSHIPS_CHANGES: ReadonlySet<string> = new Set<GuildEvent["type"]>(["ROLE_DELETED", "SERVER_DELETED"]);

interface Entry {
  readonly value: AuthorMembership | null;
  readonly expiresAt: number;
}

/**
 * `authorIn`, which every guild send asks for its `member`, answered from the node's memory after the first time
 * per (author, channel): a send then costs no extra read. Kept current like the permission cache: a committed
 * member change drops its user's answers, a deleted role or guild all of them (commit notices reach every node
 * before the writer answers), nothing read across a notice or while notices may be missed is kept, and an answer
 * lives at most `ttlMs`. Role lookups go to `inner`.
 */
export const createMembershipCache = (options: {
  readonly inner: MessageMembers;
  readonly notices: CommitNotices;
  readonly clock: Clock;
  readonly ttlMs?: number;
  readonly maxUsers?: number;
}): MessageMembers & { close(): void } => {
  const { inner, notices, clock } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const maxUsers = options.maxUsers ?? 100_000;
  const byUser = new Map<Snowflake, Map<Snowflake, Entry>>();
  let generation = 0;
  const clear = () => {
    generation++;
    byUser.clear();
  };
  const stopWatching = notices.watch(
    new Set([...MEMBERSHIP_CHANGES, ...MEMBERSHIPS_CHANGES]),
    (batch) => {
      generation++;
      for (const notice of batch) {
        if (MEMBERSHIPS_CHANGES.has(notice.type)) byUser.clear();
        else if (notice.userId) byUser.delete(notice.userId);
      }
    },
    clear,
  );
  return {
    async authorIn(channelId, userId) {
      const cached = byUser.get(userId)?.get(channelId);
      if (cached && cached.expiresAt > clock.now()) return cached.value;
      const started = generation;
      const trusted = notices.hearing();
      const value = await inner.authorIn(channelId, userId);
      if (trusted && started === generation && notices.hearing()) {
        let channels = byUser.get(userId);
        if (!channels) {
          if (byUser.size >= maxUsers) byUser.delete(byUser.keys().next().value as Snowflake);
          byUser.set(userId, (channels = new Map()));
        }
        channels.set(channelId, { value, expiresAt: clock.now() + ttlMs });
      }
      return value;
    },
    roles: (guildId, ids) => inner.roles(guildId, ids),
    close() {
      stopWatching();
      clear();
    },
  };
};
