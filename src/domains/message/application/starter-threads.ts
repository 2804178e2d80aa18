import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Message, MessageFlags, type StarterThread, hasThread } from "../domain/message";

/** The channel domain's threads by id, as Discord's channel objects (one query for all of them). */
export type ThreadsByIds = (ids: readonly Snowflake[]) => Promise<readonly StarterThread[]>;

/**
 * Messages a thread was started from, with that thread (`thread`), as Discord shows them: a thread takes its starter
 * message's id, and the message carries HAS_THREAD from the thread's transaction on, so only flagged messages are
 * looked up, all in one query, and a page without any costs nothing. A message whose thread was deleted since
 * shows neither the thread nor the flag. The same array comes back when nothing changes.
 */
export const withThreads = async <M extends Message>(deps: { readonly threadsByIds?: ThreadsByIds }, messages: readonly M[]): Promise<readonly M[]> => {
  const flagged = messages.filter(hasThread).map((message) => message.id);
  if (flagged.length === 0 || !deps.threadsByIds) return messages;
  const threads = new Map((await deps.threadsByIds(flagged)).map((thread) => [thread.id, thread]));
  return messages.map((message) => {
    if (!hasThread(message)) return message;
    const thread = threads.get(message.id);
    // A thread of another channel cannot share the id: ids are unique across channels and messages alike.
    return thread && thread.parent_id === message.channelId ? { ...message, thread } : { ...message, flags: message.flags & ~MessageFlags.HAS_THREAD };
  });
};

/** One message with its thread, if it started one. */
export const withThread = async <M extends Message>(deps: { readonly threadsByIds?: ThreadsByIds }, message: M): Promise<M> =>
  (await withThreads(deps, [message]))[0] as M;
