import { withThread } from "./starter-threads";
import { DomainError, ErrorCode, type FieldErrors, invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { type AllowedMentions, checkAllowedMentions, mentionPolicy } from "../domain/allowed-mentions";
import { UPLOAD_CLAIM_WINDOW_MS } from "../domain/attachment";
import { type EmbedInput, checkEmbeds } from "../domain/embeds";
import { type Message, checkContent, editedFlags } from "../domain/message";
import { notAuthor, unknownMessage } from "../domain/message-errors";
import { messageUpdated } from "../domain/message-events";
import type { MessageChannel } from "../domain/message-channel";
import { type MessagePayload, memberPayload, messagePayload, namedUserIds } from "../domain/message-payloads";
import { attachmentUrl } from "./attachment-links";
import { storeUploads } from "./attachments";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { type AttachmentEntry, type FilePart, prepareFiles, readAttachmentRequest } from "./message-files";
import { profilesOf } from "./message-views";
import { resolveMentions } from "./resolve-mentions";

/** What an edit may change; a field left out stays as it is, null clears it (Discord's PATCH). */
export interface EditMessageInput {
  readonly content?: string | null;
  readonly embeds?: readonly EmbedInput[] | null;
  readonly flags?: number | null;
  readonly allowedMentions?: AllowedMentions | null;
  /** The attachments to keep (by id) and the metadata of new `files`; left out keeps them all. */
  readonly attachments?: readonly AttachmentEntry[] | null;
  readonly files?: readonly FilePart[];
  /** A webhook's edit with its token: `userId` is the webhook's id, and this its channel, which needs no user's permissions. */
  readonly webhookChannel?: MessageChannel;
}

type EditDeps = Pick<
  MessageDeps,
  "permissions" | "unitOfWork" | "repositories" | "users" | "blocks" | "members" | "signer" | "clock" | "publicUrl" | "blobs" | "detector" | "ids" | "maxUploadBytes" | "threadsByIds"
>;

/** The attachments an edit keeps: those `attachments` names (all when it is left out); an id not on the message is a 400. */
const keptAttachments = (message: Message, attachments: readonly AttachmentEntry[] | null | undefined, keepIds: readonly Snowflake[]) => {
  if (attachments === undefined) return message.attachments;
  const errors: FieldErrors = {};
  const present = new Set(message.attachments.map((attachment) => attachment.id));
  keepIds.forEach((id) => {
    if (!present.has(id)) errors[`attachments.${(attachments ?? []).findIndex((entry) => String(entry.id) === id)}.id`] = "Unknown attachment of this message.";
  });
  if (Object.keys(errors).length > 0) throw new DomainError(ErrorCode.VALIDATION, "Invalid Form Body", errors);
  const keep = new Set(keepIds);
  return message.attachments.filter((attachment) => keep.has(attachment.id));
};

/**
 * Edits a message (MESSAGE_UPDATED): its content, embeds, SUPPRESS_EMBEDS, and which attachments stay, with new
 * files added (ATTACH_FILES); only its author may (403 50005), while they can still see the channel. Mentions are
 * resolved again under the edit's `allowed_mentions` (a reply's author stays mentioned unless it says otherwise),
 * and unread-mention inboxes follow the new text. Removed attachments are purged with their bytes.
 */
export const editMessage =
  (deps: EditDeps) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, input: EditMessageInput): Promise<MessagePayload> => {
    const files = input.files ?? [];
    const membership = input.webhookChannel ? Promise.resolve(null) : deps.members.authorIn(channelId, userId);
    membership.catch(() => undefined);
    const channel = input.webhookChannel ?? (await channelWith(deps, userId, channelId, ...(files.length > 0 ? (["ATTACH_FILES"] as const) : [])));
    const found = await deps.repositories.messages.find(channelId, messageId, userId);
    if (!found) throw unknownMessage();
    if (found.authorId !== userId) throw notAuthor();
    // A message that started a thread shows it in the edit's answer and MESSAGE_UPDATE too.
    const message = await withThread(deps, found);
    const fields = checkFields({
      attachments: () => readAttachmentRequest(input.attachments ?? undefined, files),
      embeds: () => (input.embeds === undefined ? message.embeds : checkEmbeds(input.embeds ?? [])),
      allowed_mentions: () => checkAllowedMentions(input.allowedMentions ?? undefined),
      flags: () => editedFlags(message.flags, input.flags),
    });
    const kept = keptAttachments(message, input.attachments, fields.attachments.storedIds);
    const newFiles = fields.attachments.files;
    if (kept.length + newFiles.length > 10) throw invalidField("attachments", "At most 10 attachments.");
    const content = input.content === undefined ? message.content : (input.content ?? "");
    checkContent(content, kept.length + newFiles.length > 0 || fields.embeds.length > 0);
    const policy = mentionPolicy(fields.allowed_mentions);
    const repliedUserId = message.referencedMessage?.authorId;
    const keepsReplied = repliedUserId !== undefined && message.mentionIds.includes(repliedUserId) && (!fields.allowed_mentions || policy.repliedUser);
    const [mentions, uploads] = await Promise.all([
      resolveMentions(deps, channel, content, policy, keepsReplied ? repliedUserId : undefined),
      prepareFiles(deps, userId, channelId, newFiles),
    ]);
    const [users, member] = await Promise.all([
      profilesOf(deps, namedUserIds({ ...message, mentionIds: mentions.userIds })),
      channel.guildId ? membership : Promise.resolve(null),
    ]);
    // Those who blocked the author get no unread mention from them (as on a send); read before the transaction.
    const blockedBy = mentions.userIds.length > 0 && !input.webhookChannel ? (await deps.blocks.of(userId)).blockedBy : undefined;
    await storeUploads(deps, uploads);
    const now = new Date(deps.clock.now());
    const removed = message.attachments.filter((attachment) => !kept.includes(attachment));
    const edited = await deps.unitOfWork(async (repositories) => {
      const added = await repositories.attachments.claim({
        ids: uploads.map((upload) => upload.attachment.id),
        uploaderId: userId,
        channelId,
        messageId,
        uploadedAfter: new Date(now.getTime() - UPLOAD_CLAIM_WINDOW_MS),
      });
      await repositories.attachments.release(channelId, messageId, removed.map((attachment) => attachment.id));
      const next: Message = {
        ...message,
        content,
        embeds: fields.embeds,
        flags: fields.flags,
        attachments: [...kept, ...added],
        mentionIds: mentions.userIds,
        mentionRoleIds: mentions.roleIds,
        mentionEveryone: mentions.everyone,
        editedAt: now,
      };
      await repositories.messages.update(next);
      await repositories.readStates.removeMentions(messageId);
      await repositories.readStates.addMentions(channelId, messageId, mentions.userIds.filter((id) => id !== userId && !blockedBy?.has(id)));
      const body = messagePayload(next, users, (attachment) => attachmentUrl(deps, attachment));
      // Everyone hears the same event: `me` is the editor's view, so it is left out of it. MESSAGE_UPDATE shows the
      // author's member, as Discord's does; the answer does not.
      const reactions = body.reactions.map((reaction) => ({ ...reaction, me: false }));
      await repositories.record([messageUpdated(channel, { ...body, reactions, ...(member ? { member: memberPayload(member) } : {}) })]);
      return body;
    });
    return edited;
  };
