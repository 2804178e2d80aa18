import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Message, checkContent } from "../domain/message";
import { notAuthor, unknownMessage } from "../domain/message-errors";
import { messageUpdated } from "../domain/message-events";
import type { MessagePayload } from "../domain/message-payloads";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { renderMessage } from "./message-views";
import { resolveMentions } from "./resolve-mentions";

/**
 * Edits a message's content (MESSAGE_UPDATED); only its author may (403 50005), while they can still see the
 * channel. Mentions are resolved again, and unread-mention inboxes follow the new text.
 */
export const editMessage =
  (deps: Pick<MessageDeps, "permissions" | "unitOfWork" | "repositories" | "users" | "signer" | "clock" | "publicUrl">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, content: string): Promise<MessagePayload> => {
    const channel = await channelWith(deps, userId, channelId);
    const message = await deps.repositories.messages.find(channelId, messageId, userId);
    if (!message) throw unknownMessage();
    if (message.authorId !== userId) throw notAuthor();
    checkContent(content, message.attachments.length > 0);
    const mentions = await resolveMentions(deps, channel, content);
    const edited: Message = {
      ...message,
      content,
      mentionIds: mentions.userIds,
      mentionEveryone: mentions.everyone,
      editedAt: new Date(deps.clock.now()),
    };
    const body = await renderMessage(deps, edited);
    await deps.unitOfWork(async (repositories) => {
      await repositories.messages.update(edited);
      await repositories.readStates.removeMentions(messageId);
      await repositories.readStates.addMentions(channelId, messageId, mentions.userIds.filter((id) => id !== userId));
      // Everyone hears the same event: `me` is the editor's view, so it is left out of it.
      await repositories.record([messageUpdated(channel, { ...body, reactions: body.reactions.map((reaction) => ({ ...reaction, me: false })) })]);
    });
    return body;
  };
