import type { DomainEvent } from "../domain-event";
import type { Snowflake } from "../snowflake";

/** What a committed event was about: its type and the ids caches are keyed by (null when the event has none). */
export interface CommitNotice {
  readonly type: string;
  readonly channelId: Snowflake | null;
  readonly guildId: Snowflake | null;
  readonly userId: Snowflake | null;
  /** The message of a MESSAGE_* event. */
  readonly messageId: Snowflake | null;
}

/**
 * Committed writes, announced to every node before the writer answers, so that what a node keeps in memory is
 * dropped before a client that wrote on another node reads it back.
 */
export interface CommitNotices {
  /**
   * Calls `handle` with the notices of each announced commit that are of `types` (on every node, the writer's
   * included), and `onLost` when this node may have missed notices (the bus dropped); returns a stopper.
   */
  watch(types: ReadonlySet<string>, handle: (notices: readonly CommitNotice[]) => void, onLost: () => void): () => void;
  /** True while this node hears every notice; a cache stores nothing read while this is false. */
  hearing(): boolean;
  /** Tells every node of these committed events (those some watcher wants); never throws. */
  announce(events: readonly DomainEvent[]): Promise<void>;
}
