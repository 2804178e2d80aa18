import type { Clock } from "../../../shared/kernel/clock";
import type { CommitNotices } from "../../../shared/kernel/ports";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ChannelEvent, ThreadEvent } from "../../channel";
import { HISTORY_LIMIT_MAX, type Message } from "../domain/message";
import type { MessageEvent } from "../domain/message-events";

/** Commits after which a channel's newest messages may read differently: the cache drops the channel. */
export const HISTORY_CHANGING_EVENTS: ReadonlySet<string> = new Set<MessageEvent["type"] | ChannelEvent["type"] | ThreadEvent["type"]>([
  "MESSAGE_SENT",
  "MESSAGE_UPDATED",
  "MESSAGE_DELETED",
  "MESSAGE_DELETED_BULK",
  "MESSAGE_REACTION_ADDED",
  "MESSAGE_REACTION_REMOVED",
  "CHANNEL_PINS_UPDATED",
  "CHANNEL_UPDATED",
  "CHANNEL_DELETED",
  // A kept message may show a thread (`thread`): these change it, and name the thread, not the kept channel.
  "THREAD_UPDATED",
  "THREAD_DELETED",
  "THREAD_MEMBERS_UPDATED",
]);

export interface HistoryCacheOptions {
  /** The channel's newest `limit` messages, newest first, with reaction counts, no viewer's `me`, and their threads. */
  readonly load: (channelId: Snowflake, limit: number) => Promise<Message[]>;
  /** The viewer's own reactions among these messages. */
  readonly mine: (viewerId: Snowflake, messageIds: readonly Snowflake[]) => Promise<{ messageId: Snowflake; emoji: string }[]>;
  readonly notices: CommitNotices;
  readonly clock: Clock;
  /** An entry is read again after this long whatever the notices say: the bound on staleness if one is lost. */
  readonly ttlMs?: number;
  /** Memory the entries may take (estimated); the least recently read channels go first. */
  readonly maxBytes?: number;
}

interface Entry {
  /** The newest HISTORY_LIMIT_MAX messages, or all of the channel's when it has fewer. */
  readonly messages: readonly Message[];
  readonly expiresAt: number;
  readonly bytes: number;
  /**
   * Pages already handed out, by limit, when none of their messages has reactions (nothing in them depends on the
   * viewer): the same array each time, so what is built from a page (payloads, the response body) is built once.
   */
  readonly pages: Map<number, readonly Message[]>;
}

/** A load in flight; a notice for its channel while it runs means what it read may be old. */
interface Load {
  result: Promise<Entry>;
  valid: boolean;
  /** Channels notices named while it ran: a thread among them, shown by what it read, may be shown old. */
  readonly heard: Set<Snowflake>;
}

/** A rough size of a message in memory (JS strings are UTF-16), enough to bound the cache. */
const bytesOf = (message: Message): number =>
  256 +
  message.content.length * 2 +
  message.attachments.length * 320 +
  message.reactions.length * 64 +
  message.mentionIds.length * 40 +
  // Embeds hold up to 6,000 characters and their keys; a reply holds its replied-to message too.
  (message.embeds.length > 0 ? JSON.stringify(message.embeds).length * 2 : 0) +
  (message.referencedMessage ? bytesOf({ ...message.referencedMessage, referencedMessage: undefined }) : 0) +
  (message.thread ? 1024 : 0);

/**
 * The newest page of each channel read recently, kept in the node: most history reads are a channel being opened,
 * and a page read from memory needs no database round trip. The cache keeps the newest HISTORY_LIMIT_MAX messages
 * as every viewer sees them; a viewer's own reactions (`me`) are read per request, for the messages that have any.
 *
 * Correctness rests on the commit notices: every write that changes a channel's messages announces itself before
 * its writer answers, and the cache drops that channel (on every node). A load that a notice overtook is not
 * stored, nothing is stored while the node may be missing notices, and a dropped subscription empties the cache.
 * Entries also expire after `ttlMs`, which bounds what a lost notice could cost. Permissions are not cached here:
 * the caller checks them on every read.
 */
export const createHistoryCache = (options: HistoryCacheOptions) => {
  const ttlMs = options.ttlMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const entries = new Map<Snowflake, Entry>();
  const loads = new Map<Snowflake, Load>();
  /**
   * The threads kept messages show, to the channel keeping them: a notice about a thread (its update or deletion,
   * a message sent in it, which changes its counts) drops the page that shows it.
   */
  const shownThreads = new Map<Snowflake, Snowflake>();
  let bytes = 0;

  const drop = (channelId: Snowflake) => {
    const entry = entries.get(channelId);
    if (entry) {
      entries.delete(channelId);
      bytes -= entry.bytes;
      for (const message of entry.messages) if (message.thread) shownThreads.delete(message.thread.id);
    }
    const load = loads.get(channelId);
    if (load) {
      load.valid = false;
      loads.delete(channelId);
    }
  };
  const clear = () => {
    for (const load of loads.values()) load.valid = false;
    loads.clear();
    entries.clear();
    shownThreads.clear();
    bytes = 0;
  };
  const store = (channelId: Snowflake, entry: Entry) => {
    drop(channelId);
    if (entry.bytes > maxBytes) return;
    while (bytes + entry.bytes > maxBytes) drop(entries.keys().next().value as Snowflake);
    entries.set(channelId, entry);
    bytes += entry.bytes;
    for (const message of entry.messages) if (message.thread) shownThreads.set(message.thread.id, channelId);
  };

  const stopWatching = options.notices.watch(
    HISTORY_CHANGING_EVENTS,
    (notices) => {
      for (const notice of notices) {
        if (!notice.channelId) continue;
        for (const running of loads.values()) running.heard.add(notice.channelId);
        const showing = shownThreads.get(notice.channelId);
        drop(notice.channelId);
        if (showing) drop(showing);
      }
    },
    clear,
  );

  const load = (channelId: Snowflake): Promise<Entry> => {
    const running = loads.get(channelId);
    if (running) return running.result;
    const trusted = options.notices.hearing();
    const current = { valid: true, heard: new Set<Snowflake>() } as Load;
    current.result = options.load(channelId, HISTORY_LIMIT_MAX).then(
      (messages): Entry => {
        const entry: Entry = {
          messages,
          pages: new Map(),
          expiresAt: options.clock.now() + ttlMs,
          bytes: messages.reduce((sum, message) => sum + bytesOf(message), 0),
        };
        if (loads.get(channelId) === current) loads.delete(channelId);
        // Read while the node heard every notice, and no notice for the channel came while reading: current.
        const threadChanged = messages.some((message) => message.thread && current.heard.has(message.thread.id));
        if (trusted && current.valid && !threadChanged && options.notices.hearing()) store(channelId, entry);
        return entry;
      },
      (error: unknown) => {
        if (loads.get(channelId) === current) loads.delete(channelId);
        throw error;
      },
    );
    loads.set(channelId, current);
    return current.result;
  };

  /** The entry's newest `limit` messages with `me` set for the viewer's own reactions (read only when some have any). */
  const asSeenBy = async (viewerId: Snowflake, entry: Entry, limit: number): Promise<readonly Message[]> => {
    const known = entry.pages.get(limit);
    if (known) return known;
    const messages = entry.messages.slice(0, limit);
    const reacted = messages.filter((message) => message.reactions.length > 0).map((message) => message.id);
    if (reacted.length === 0) {
      entry.pages.set(limit, messages);
      return messages;
    }
    const own = new Set((await options.mine(viewerId, reacted)).map((row) => `${row.messageId}:${row.emoji}`));
    return messages.map((message) =>
      message.reactions.length === 0
        ? message
        : { ...message, reactions: message.reactions.map((reaction) => ({ ...reaction, me: own.has(`${message.id}:${reaction.emoji}`) })) },
    );
  };

  return {
    /** The channel's newest `limit` messages (at most HISTORY_LIMIT_MAX), newest first, as the viewer sees them. */
    async newest(channelId: Snowflake, limit: number, viewerId: Snowflake): Promise<readonly Message[]> {
      let entry = entries.get(channelId);
      if (entry && entry.expiresAt <= options.clock.now()) {
        drop(channelId);
        entry = undefined;
      }
      if (entry) {
        // Most recently read last: the first entry in the Map is the one to evict.
        entries.delete(channelId);
        entries.set(channelId, entry);
      }
      entry ??= await load(channelId);
      return asSeenBy(viewerId, entry, limit);
    },
    /** Drops what is kept of a channel. */
    forget: drop,
    /** Channels kept and their estimated bytes, for tests and metrics. */
    stats: () => ({ channels: entries.size, bytes }),
    close(): void {
      stopWatching();
      clear();
    },
  };
};

export type HistoryCache = ReturnType<typeof createHistoryCache>;
