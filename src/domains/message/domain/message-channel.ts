import type { Snowflake } from "../../../shared/kernel/snowflake";

/** What the message domain needs to know of a channel (the channel domain owns it) and of the caller's rights in it. */
export interface MessageChannel {
  readonly id: Snowflake;
  /** Null for DMs. */
  readonly guildId: Snowflake | null;
  /** True for guild text channels and DMs: the channels that hold messages. */
  readonly text: boolean;
  /** DMs: both participants; empty for guild channels. */
  readonly recipientIds: readonly Snowflake[];
  /** The caller's permissions in the channel; zero when they cannot see it. */
  readonly permissions: bigint;
  /** What the guild's MFA level withholds from the caller until they turn two-factor login on. */
  readonly withheld?: bigint;
  /** Slow mode of a text channel or thread, in seconds (0: off, and always 0 for DMs). */
  readonly rateLimitPerUser: number;
  /** Threads: whether it is archived and whether the caller is a member (a send unarchives it and joins them). */
  readonly thread?: { readonly archived: boolean; readonly member: boolean };
}

/**
 * What a message sent to a thread does to the thread (the channel domain's rule): unarchive it, add its author.
 * `authorId` is null for a webhook's message, which unarchives the thread but joins no one.
 */
export type ThreadMessageSent = (threadId: Snowflake, authorId: Snowflake | null) => Promise<void>;
