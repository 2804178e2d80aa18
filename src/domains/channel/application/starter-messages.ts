import type { DomainEvent, Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { ThreadPayload } from "../domain/thread-events";

/* What the channel domain asks of the message domain when a thread starts: the ports it is given (channel-deps.ts). */

/**
 * The message a thread starts from, which the message domain owns: it throws when the caller cannot read it there,
 * and answers the MESSAGE_UPDATE that shows the message with its new thread (Discord's `thread` and HAS_THREAD).
 */
export type StarterMessageCheck = (userId: Snowflake, channelId: Snowflake, messageId: Snowflake) => Promise<StarterMessageUpdate>;

/** The parent channel's MESSAGE_UPDATE for a thread's starter message, made by the message domain. */
export type StarterMessageUpdate = (thread: ThreadPayload) => Unrecorded<DomainEvent>;

/** What the message domain is asked to send as a post's first message. */
export interface ForumStarterRequest {
  /** The new thread, whose id the message takes. */
  readonly threadId: Snowflake;
  readonly guildId: Snowflake;
  readonly forumId: Snowflake;
  /** The author's permissions in the forum, which the thread has. */
  readonly permissions: bigint;
  readonly message: unknown;
  /** Writes the thread (THREAD_CREATE); called once the message is checked and before it is written. */
  readonly createThread: () => Promise<void>;
}

/** The message domain's send of a forum post's first message: answers its wire payload, or throws without writing it. */
export type ForumStarter = (userId: Snowflake, request: ForumStarterRequest) => Promise<unknown>;
