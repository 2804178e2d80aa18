import { Permission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { type ThreadChannel, ThreadType, checkThreadType, threadAlreadyExists } from "../domain/thread";
import { ChannelType } from "../domain/channel";
import type { ChannelDeps } from "./channel-deps";
import { requireBits, viewParent } from "./thread-access";
import { type StartDeps, type StartThreadInput, createThread, draft, parentSlowMode } from "./thread-creation";
import type { StarterMessageCheck } from "./starter-messages";
import { type ForumPost, type StartForumPostInput, startForumPost } from "./start-forum-post";

/**
 * Starts a public thread from a message of a text channel (THREAD_CREATE); the thread takes the message's id.
 * CREATE_PUBLIC_THREADS, and reading the message. A message starts at most one thread (400 160004).
 */
export const startThreadFromMessage =
  (deps: StartDeps & { readonly starterMessage: StarterMessageCheck }) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, input: Omit<StartThreadInput, "type" | "invitable">, reason?: string): Promise<ThreadChannel> => {
    const { channel, permissions } = await viewParent(deps, userId, channelId, "text");
    requireBits(permissions, Permission.CREATE_PUBLIC_THREADS, "CREATE_PUBLIC_THREADS");
    const make = draft(deps, input, ThreadType.PUBLIC_THREAD);
    const starter = await deps.starterMessage(userId, channelId, messageId);
    await parentSlowMode(deps, userId, channel, permissions);
    const created = await createThread(deps, userId, make(messageId, channel.guildId, channel.id, userId), reason, starter);
    if (!created) throw threadAlreadyExists();
    return created;
  };

/** A thread start's input: a forum post's also has its tags and first message. */
export type StartAnyThreadInput = StartThreadInput & Omit<StartForumPostInput, "name">;

/**
 * Starts a thread with no message (THREAD_CREATE): public (11, CREATE_PUBLIC_THREADS) or private (12, Discord's
 * default, CREATE_PRIVATE_THREADS). In a forum, a post with its first message (start-forum-post.ts). At most 1000
 * active threads per guild.
 */
export const startThread =
  (deps: StartDeps & Pick<ChannelDeps, "forumStarter">) =>
  async (userId: Snowflake, channelId: Snowflake, input: StartAnyThreadInput, reason?: string): Promise<ThreadChannel | ForumPost> => {
    const { channel, permissions } = await viewParent(deps, userId, channelId, "any");
    if (channel.type === ChannelType.GUILD_FORUM) return startForumPost(deps)(userId, channel, permissions, input, reason);
    const type = checkFields({ type: () => checkThreadType(input.type) }).type;
    if (type === ThreadType.PUBLIC_THREAD) requireBits(permissions, Permission.CREATE_PUBLIC_THREADS, "CREATE_PUBLIC_THREADS");
    else requireBits(permissions, Permission.CREATE_PRIVATE_THREADS, "CREATE_PRIVATE_THREADS");
    const make = draft(deps, input, type);
    await parentSlowMode(deps, userId, channel, permissions);
    const created = await createThread(deps, userId, make(deps.ids.next(), channel.guildId, channel.id, userId), reason);
    if (!created) throw new Error("a new snowflake collided with a channel id");
    return created;
  };
