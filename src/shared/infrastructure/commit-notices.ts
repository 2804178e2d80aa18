import type { DomainEvent } from "../kernel/domain-event";
import type { CommitNotice, CommitNotices, PubSub } from "../kernel/ports";
import type { Snowflake } from "../kernel/snowflake";
import type { Logger } from "./logger";

/** Every node hears every notice here. */
export const COMMIT_NOTICES_TOPIC = "system:commits";

interface EventIds {
  readonly id?: unknown;
  readonly channel_id?: unknown;
  readonly guild_id?: unknown;
  readonly user_id?: unknown;
  readonly user?: { readonly id?: unknown };
}

const idOrNull = (value: unknown): Snowflake | null => (typeof value === "string" ? value : null);

/** The ids an event is about, and nothing else of its data (a sent message is not shipped twice). */
export const noticeOf = (event: DomainEvent): CommitNotice => {
  const data = (event.data ?? {}) as EventIds;
  return {
    type: event.type,
    channelId: idOrNull(data.channel_id) ?? (event.type.startsWith("CHANNEL_") || event.type.startsWith("THREAD_") ? idOrNull(data.id) : null),
    guildId: idOrNull(data.guild_id),
    userId: idOrNull(data.user?.id) ?? idOrNull(data.user_id),
    messageId: event.type.startsWith("MESSAGE_") ? idOrNull(data.id) : null,
  };
};

/**
 * Notices of committed writes, for the caches every node keeps of what those writes change (the newest history
 * pages, channel permissions). The writer announces before it answers: its own node's watchers are told at once,
 * every other node through pub/sub, whose PUBLISH returns once Redis has handed the notice to every subscribed node.
 * A client that reads on another node right after its write is answered after that node heard of the write.
 *
 * Notices complement the outbox, they do not replace it: they carry ids, not events, and are not retried. A node
 * whose subscription drops is told (`onLost`), since it may have missed some, and trusts nothing it cached until it
 * hears notices again; a failed announce is logged and left to the caches' time bound, since the bus is down for
 * the writer too.
 */
export const createCommitNotices = (options: { readonly pubSub: PubSub; readonly logger: Logger }): CommitNotices & {
  /** Subscribes to the topic; call once at start, before serving. */
  start(): Promise<void>;
  close(): Promise<void>;
} => {
  const { pubSub, logger } = options;
  const watchers = new Set<{ types: ReadonlySet<string>; handle: (notices: readonly CommitNotice[]) => void; onLost: () => void }>();
  const watched = new Set<string>();
  let hearing = pubSub.onConnectionChange === undefined;
  let stopSubscription: (() => Promise<void>) | undefined;
  let stopWatchingBus: (() => void) | undefined;

  const deliver = (notices: readonly CommitNotice[]) => {
    for (const watcher of watchers) {
      const mine = notices.filter((notice) => watcher.types.has(notice.type));
      if (mine.length > 0) watcher.handle(mine);
    }
  };
  const lost = () => {
    hearing = false;
    for (const watcher of watchers) watcher.onLost();
  };

  return {
    async start() {
      stopWatchingBus = pubSub.onConnectionChange?.((connected) => {
        if (connected) hearing = true;
        else lost();
      });
      stopSubscription = await pubSub.subscribe(COMMIT_NOTICES_TOPIC, (message) => {
        try {
          deliver(JSON.parse(message) as CommitNotice[]);
        } catch (error) {
          logger.error({ err: error }, "unreadable commit notice");
        }
      });
      if (pubSub.onConnectionChange) hearing = await pubSub.healthy();
    },

    watch(types, handle, onLost) {
      const watcher = { types, handle, onLost };
      watchers.add(watcher);
      for (const type of types) watched.add(type);
      return () => void watchers.delete(watcher);
    },

    hearing: () => hearing,

    async announce(events) {
      const notices = events.filter((event) => watched.has(event.type)).map(noticeOf);
      if (notices.length === 0) return;
      deliver(notices);
      try {
        await pubSub.publish(COMMIT_NOTICES_TOPIC, JSON.stringify(notices));
      } catch (error) {
        logger.error({ err: error, types: [...new Set(notices.map((notice) => notice.type))] }, "announcing a commit to the other nodes failed");
      }
    },

    async close() {
      stopWatchingBus?.();
      await stopSubscription?.();
      lost();
    },
  };
};
