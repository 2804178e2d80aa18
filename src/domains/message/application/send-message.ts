import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { UPLOAD_CLAIM_WINDOW_MS } from "../domain/attachment";
import { type Message, NONCE_WINDOW_MS, type Nonce, checkAttachmentIds, checkContent, nonceKey } from "../domain/message";
import { messageSent } from "../domain/message-events";
import { type MessagePayload, messagePayload } from "../domain/message-payloads";
import type { NewMessage, NonceKey } from "../domain/message-repository";
import type { NewMessageWrites } from "../domain/message-unit-of-work";
import { attachmentUrl } from "./attachment-links";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { profilesOf, renderMessage } from "./message-views";
import { resolveMentions } from "./resolve-mentions";

export interface SendMessageInput {
  readonly content?: string;
  readonly nonce?: Nonce;
  readonly enforceNonce?: boolean;
  readonly attachmentIds?: readonly Snowflake[];
}

/** The message, and whether this call created it (false: a live nonce named an earlier one). */
export interface SentMessage {
  readonly message: MessagePayload;
  readonly created: boolean;
}

/** Thrown inside the transaction to roll the whole send back when the nonce is taken. */
class NonceTaken extends Error {}

type SendDeps = Pick<MessageDeps, "permissions" | "unitOfWork" | "writeTogether" | "repositories" | "users" | "signer" | "clock" | "ids" | "publicUrl">;

/** The message a live nonce already stands for, or null (it expired, or its message was deleted meanwhile). */
const earlierMessage = async (deps: SendDeps, key: NonceKey, nonce: Nonce, since: Date): Promise<MessagePayload | null> => {
  const id = await deps.repositories.messages.findByNonce(key, since);
  const message = id ? await deps.repositories.messages.find(key.channelId, id, key.authorId) : null;
  return message ? renderMessage(deps, message, nonce) : null;
};

/** What follows a new message's row: its mentions' inbox rows and MESSAGE_SENT. */
const recordSent = (writes: NewMessageWrites, message: NewMessage, mentionedOthers: readonly Snowflake[], sent: ReturnType<typeof messageSent>) =>
  Promise.all([writes.readStates.addMentions(message.channelId, message.id, mentionedOthers), writes.record([sent])]);

/**
 * Sends a message to a text channel or DM (MESSAGE_SENT); VIEW_CHANNEL and SEND_MESSAGES, ATTACH_FILES with files.
 * With `enforceNonce`, a second send of the same nonce by the same author in the same channel within 5 minutes
 * returns the first message and creates nothing, also when both arrive at once: the nonce is claimed in the send's
 * transaction, and the loser of the race rolls back everything it wrote.
 */
export const sendMessage =
  (deps: SendDeps) =>
  async (userId: Snowflake, channelId: Snowflake, input: SendMessageInput): Promise<SentMessage> => {
    const attachmentIds = input.attachmentIds ?? [];
    const channel = await channelWith(deps, userId, channelId, "SEND_MESSAGES", ...(attachmentIds.length > 0 ? (["ATTACH_FILES"] as const) : []));
    const fields = checkFields({
      attachments: () => checkAttachmentIds(attachmentIds),
      content: () => checkContent(input.content ?? "", attachmentIds.length > 0),
      nonce: () => nonceKey(input.nonce),
    });
    if (input.enforceNonce && fields.nonce === undefined) throw invalidField("nonce", "Required with enforce_nonce.");
    const key: NonceKey | undefined = input.enforceNonce && fields.nonce !== undefined ? { channelId, authorId: userId, nonce: fields.nonce } : undefined;
    const mentions = await resolveMentions(deps, channel, fields.content);
    const draft = {
      id: deps.ids.next(),
      channelId,
      guildId: channel.guildId,
      authorId: userId,
      content: fields.content,
      mentionIds: mentions.userIds,
      mentionEveryone: mentions.everyone,
    };
    const users = await profilesOf(deps, [...new Set([userId, ...mentions.userIds])]);
    const now = new Date(deps.clock.now());
    const staleBefore = new Date(now.getTime() - NONCE_WINDOW_MS);
    const message: NewMessage = { ...draft, hasAttachments: fields.attachments.length > 0 };
    const mentionedOthers = mentions.userIds.filter((id) => id !== userId);
    const bodyOf = (attachments: Message["attachments"]) =>
      messagePayload({ ...draft, editedAt: null, pinned: false, attachments, reactions: [] }, users, (attachment) => attachmentUrl(deps, attachment), input.nonce);
    if (!key && fields.attachments.length === 0) {
      // Nothing to read back inside the transaction: the whole send is one statement.
      const body = bodyOf([]);
      await deps.writeTogether((writes) => {
        writes.messages.insert(message);
        void recordSent(writes, message, mentionedOthers, messageSent(channel, body));
      });
      return { message: body, created: true };
    }
    try {
      const payload = await deps.unitOfWork(async (repositories) => {
        await repositories.messages.insert(message);
        if (key && !(await repositories.messages.claimNonce(key, draft.id, now, staleBefore))) throw new NonceTaken();
        const attachments =
          fields.attachments.length === 0
            ? []
            : await repositories.attachments.claim({
                ids: fields.attachments,
                uploaderId: userId,
                channelId,
                messageId: draft.id,
                uploadedAfter: new Date(now.getTime() - UPLOAD_CLAIM_WINDOW_MS),
              });
        if (attachments.length !== fields.attachments.length) {
          throw invalidField("attachments", "Unknown, expired or already used attachment, or one uploaded by someone else or for another channel.");
        }
        const body = bodyOf(attachments);
        await recordSent(repositories, message, mentionedOthers, messageSent(channel, body));
        return body;
      });
      return { message: payload, created: true };
    } catch (error) {
      if (!(error instanceof NonceTaken) || !key) throw error;
      // The winner committed before our claim returned, so its message is visible now.
      const earlier = await earlierMessage(deps, key, input.nonce as Nonce, staleBefore);
      if (!earlier) throw new Error("nonce claimed by a message that cannot be read");
      return { message: earlier, created: false };
    }
  };
