import type { DomainEvent } from "../kernel/domain-event";
import { DEFAULT_LARGE_THRESHOLD, type Viewer } from "./gateway-ports";

export { DEFAULT_LARGE_THRESHOLD };
import { ALL_INTENTS, Intent, intentNeeded } from "./intents";

/** What IDENTIFY asked for beyond the token, kept with the resume record so RESUME restores it. */
export interface IdentifyOptions {
  /** Absent: every dispatch (a session that sent no intents). */
  readonly intents?: number;
  /** [shard_id, num_shards]. */
  readonly shard?: readonly [number, number];
  /** Members above which a guild is large in this session's GUILD_CREATE (50–250, default 50). */
  readonly largeThreshold?: number;
  /** Per-payload zlib (IDENTIFY `compress: true`), unless the connection is a zlib-stream already. */
  readonly compress?: boolean;
}

/** The part of a message payload MESSAGE_CONTENT governs. */
interface MessageLike {
  readonly guild_id?: string | null;
  readonly author?: { readonly id?: string };
  readonly mentions?: ReadonlyArray<{ readonly id?: string }>;
  readonly referenced_message?: unknown;
}

const CONTENT_DISPATCHES = new Set(["MESSAGE_CREATE", "MESSAGE_UPDATE"]);

/** A message without what MESSAGE_CONTENT governs: one copy per message object for the node, shared by sessions. */
const redactedCopies = new WeakMap<object, object>();
const redacted = (message: Record<string, unknown>): object => {
  let copy = redactedCopies.get(message);
  if (copy === undefined) {
    const referenced = message.referenced_message;
    copy = {
      ...message,
      content: "",
      embeds: [],
      attachments: [],
      components: [],
      ...(referenced && typeof referenced === "object" ? { referenced_message: redacted(referenced as Record<string, unknown>) } : {}),
    };
    delete (copy as { poll?: unknown }).poll;
    redactedCopies.set(message, copy);
  }
  return copy;
};

/** The creation time part of a guild id (`id >> 22`), computed once per event for the node. */
const guildTimes = new WeakMap<DomainEvent, number>();
const guildTimeOf = (event: DomainEvent, guildId: string): number => {
  let time = guildTimes.get(event);
  if (time === undefined) guildTimes.set(event, (time = Number(BigInt(guildId) >> 22n)));
  return time;
};

/** The guild an event is about, if any (every guild event's data names it). */
export const guildIdOf = (event: DomainEvent): string | undefined => {
  const guildId = (event.data as { guild_id?: unknown } | null)?.guild_id;
  return typeof guildId === "string" ? guildId : undefined;
};

/**
 * The filters of a session that asked for intents or a shard, or is a bot: made once at IDENTIFY (or RESUME). A
 * session without one (XCord's own clients) skips every check here: its dispatch path is as before.
 */
export class SessionProfile {
  readonly intents: number;
  private readonly shardId: number;
  private readonly shardCount: number;
  /** A bot without MESSAGE_CONTENT: guild messages reach it without content, unless they are its own or mention it. */
  private readonly redactsContent: boolean;

  constructor(
    readonly options: IdentifyOptions,
    private readonly userId: string,
    bot: boolean,
  ) {
    this.intents = options.intents ?? ALL_INTENTS;
    this.shardId = options.shard?.[0] ?? 0;
    this.shardCount = options.shard?.[1] ?? 1;
    this.redactsContent = bot && (this.intents & Intent.MESSAGE_CONTENT) === 0;
  }

  /** The profile of a session: undefined when it asked for nothing that filters (the common case). */
  static of(options: IdentifyOptions, viewer: Viewer): SessionProfile | undefined {
    const filters = options.intents !== undefined || (options.shard !== undefined && options.shard[1] > 1) || viewer.bot !== undefined;
    return filters || options.compress || options.largeThreshold !== undefined ? new SessionProfile(options, viewer.userId, viewer.bot !== undefined) : undefined;
  }

  /** Whether a guild (by id) belongs to this session's shard. */
  hasGuild(guildId: string): boolean {
    return this.shardCount === 1 || Number((BigInt(guildId) >> 22n) % BigInt(this.shardCount)) === this.shardId;
  }

  /** Whether the event belongs to this session's shard: its guild's shard, or shard 0 for what is no guild's (DMs). */
  inShard(event: DomainEvent): boolean {
    if (this.shardCount === 1) return true;
    const guildId = guildIdOf(event);
    return guildId === undefined ? this.shardId === 0 : guildTimeOf(event, guildId) % this.shardCount === this.shardId;
  }

  /** Whether the session's intents let dispatch `name` through. */
  wants(name: string, inGuild: boolean): boolean {
    const needed = intentNeeded(name, inGuild);
    return needed === 0 || (this.intents & needed) !== 0;
  }

  /** The payload of dispatch `name` as this session may see it: a guild message's content only with MESSAGE_CONTENT. */
  view(name: string, d: unknown): unknown {
    if (!this.redactsContent || !CONTENT_DISPATCHES.has(name) || d === null || typeof d !== "object") return d;
    const message = d as MessageLike;
    if (!message.guild_id || message.author?.id === this.userId || message.mentions?.some((user) => user.id === this.userId)) return d;
    return redacted(d as Record<string, unknown>);
  }
}
