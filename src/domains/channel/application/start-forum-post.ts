import { Permission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { invalidField } from "../../../shared/kernel/domain-error";
import { missingPermissions } from "../../../shared/kernel/common-errors";
import type { GuildChannel } from "../domain/channel";
import { DEFAULT_FORUM_SETTINGS, checkAppliedTags } from "../domain/forum";
import { type ThreadChannel, ThreadType } from "../domain/thread";
import { threadDeleted } from "../domain/thread-events";
import type { ChannelDeps } from "./channel-deps";
import { holdsManageThreads, requireBits } from "./thread-access";
import { type StartThreadInput, type ThreadStarter, createThread, draft, parentSlowMode } from "./thread-creation";
import type { ForumStarter } from "./starter-messages";
import { unknownChannel } from "../../../shared/kernel/common-errors";
import { ChannelType, isGuildChannel } from "../domain/channel";

/** A forum post: the thread's fields, its tags, and its starter message (the message domain's to read and check). */
export interface StartForumPostInput extends Omit<StartThreadInput, "type" | "invitable"> {
  readonly appliedTags?: readonly Snowflake[];
  /** Required: the body of the post's first message, as the message domain reads it. */
  readonly message?: unknown;
}

/** A new forum post and its first message (the message domain's payload), as Discord answers the start. */
export interface ForumPost {
  readonly thread: ThreadChannel;
  readonly message: unknown;
}

type PostDeps = Pick<ChannelDeps, "permissions" | "unitOfWork" | "clock" | "ids" | "forumStarter" | "rateLimiter" | "users">;

/**
 * Starts a post in a forum (THREAD_CREATE, then MESSAGE_CREATE): a public thread whose first message has the
 * thread's id, as on Discord. SEND_MESSAGES in the forum; at most 5 of its tags, one at least when it requires a tag,
 * moderated ones MANAGE_THREADS; the post's slow mode defaults to the forum's default_thread_rate_limit_per_user, and
 * the forum's own slow mode (rate_limit_per_user) spaces a member's posts.
 * Should the message fail once the thread is written (an attachment taken meanwhile), the thread is deleted again.
 */
export const startForumPost =
  (deps: PostDeps) =>
  async (userId: Snowflake, forum: GuildChannel, permissions: bigint, input: StartForumPostInput, reason?: string, by: ThreadStarter = "member"): Promise<ForumPost> => {
    requireBits(permissions, Permission.SEND_MESSAGES, "SEND_MESSAGES");
    const settings = forum.forum ?? DEFAULT_FORUM_SETTINGS;
    const fields = checkFields({
      message: () => {
        if (input.message === undefined || input.message === null) throw invalidField("message", "A forum post needs its first message.");
      },
      appliedTags: () => checkAppliedTags(input.appliedTags ?? [], settings),
    });
    if (fields.appliedTags.touchesModerated && !holdsManageThreads(permissions)) throw missingPermissions("MANAGE_THREADS");
    const rateLimitPerUser = input.rateLimitPerUser ?? settings.defaultThreadRateLimitPerUser;
    const make = draft(deps, { ...input, rateLimitPerUser }, ThreadType.PUBLIC_THREAD);
    const thread: ThreadChannel = { ...make(deps.ids.next(), forum.guildId, forum.id, userId), appliedTags: fields.appliedTags.tags };
    let created: ThreadChannel | null = null;
    // Once the first message is checked: the forum's slow mode takes the member's window only for a valid post.
    const createPost = async () => {
      // Webhooks are not held by slow mode (Discord's rule).
      if (by === "member") await parentSlowMode(deps, userId, forum, permissions);
      created = await createThread(deps, userId, thread, reason, undefined, by);
      if (!created) throw new Error("a new snowflake collided with a channel id");
    };
    try {
      const message = await deps.forumStarter(userId, { threadId: thread.id, guildId: forum.guildId, forumId: forum.id, permissions, message: input.message, createThread: createPost });
      if (!created) throw new Error("the forum starter returned without writing the thread");
      return { thread: { ...(created as ThreadChannel), lastMessageId: thread.id }, message };
    } catch (error) {
      if (created) await removeThread(deps, created);
      throw error;
    }
  };

/** What a webhook may do in a forum when it starts a post: post and attach; moderated tags need MANAGE_THREADS, which it never holds. */
const WEBHOOK_POST_PERMISSIONS = Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES | Permission.ATTACH_FILES;

/**
 * A post started by a webhook of the forum (Discord's execute with `thread_name`): the same start as a member's, with
 * the webhook as owner, `send` writing its first message as the webhook's (the message domain's execute), no thread
 * member (a webhook is no user), no slow mode and no audit entry. 404 10003 when the channel is no forum (any more).
 */
export const startWebhookForumPost =
  (deps: PostDeps & Pick<ChannelDeps, "channels">) =>
  async (webhookId: Snowflake, forumId: Snowflake, input: Omit<StartForumPostInput, "message">, send: ForumStarter): Promise<ForumPost> => {
    const forum = await deps.channels.find(forumId);
    if (!forum || !isGuildChannel(forum) || forum.type !== ChannelType.GUILD_FORUM) throw unknownChannel();
    // The first message is the webhook's execute, which `send` checks and writes: nothing of it is read here.
    return startForumPost({ ...deps, forumStarter: send })(webhookId, forum, WEBHOOK_POST_PERMISSIONS, { ...input, message: send }, undefined, "webhook");
  };

/** Takes back a post whose first message failed (THREAD_DELETE). */
const removeThread = async (deps: PostDeps, thread: ThreadChannel): Promise<void> =>
  deps.unitOfWork(async (repositories) => {
    await repositories.threads.delete(thread.id);
    await repositories.record([threadDeleted(thread, [])]);
  });
