import { invalidField } from "../../../shared/kernel/domain-error";
import { cannotMessageUser } from "../../../shared/kernel/common-errors";
import { blockedEitherWay } from "../../../shared/kernel/users";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import { type AllowedMentions, checkAllowedMentions, mentionPolicy } from "../domain/allowed-mentions";
import { UPLOAD_CLAIM_WINDOW_MS } from "../domain/attachment";
import { type EmbedInput, checkEmbeds } from "../domain/embeds";
import { type Message, MessageType, NONCE_WINDOW_MS, type Nonce, checkContent, checkFlags, nonceKey } from "../domain/message";
import { messageSent } from "../domain/message-events";
import type { AuthorMembership } from "../domain/message-members";
import { type MessagePayload, memberPayload, messagePayload } from "../domain/message-payloads";
import type { NewMessage, NonceKey } from "../domain/message-repository";
import type { NewMessageWrites } from "../domain/message-unit-of-work";
import type { WebhookSender } from "../domain/webhook";
import { enforceSlowMode } from "../../channel";
import { attachmentUrl } from "./attachment-links";
import { storeUploads } from "./attachments";
import { channelWith } from "./message-access";
import type { MessageChannel } from "../domain/message-channel";
import { requirePermission } from "../../channel";
import type { MessageDeps } from "./message-deps";
import { type AttachmentEntry, type FilePart, prepareFiles, readAttachmentRequest } from "./message-files";
import { profilesOf, renderMessage } from "./message-views";
import { resolveMentions } from "./resolve-mentions";

/** Discord's `message_reference` on a send: a reply to a message of the same channel. */
export interface ReferenceInput {
  readonly messageId?: Snowflake;
  readonly channelId?: Snowflake;
  readonly guildId?: Snowflake;
  /** False: an unknown message sends a plain message instead of failing (Discord's default is true). */
  readonly failIfNotExists?: boolean;
  /** 0 (DEFAULT, a reply) only: XCord has no forwards. */
  readonly type?: number;
}

export interface SendMessageInput {
  readonly content?: string | null;
  readonly nonce?: Nonce;
  readonly enforceNonce?: boolean;
  readonly embeds?: readonly EmbedInput[] | null;
  readonly allowedMentions?: AllowedMentions | null;
  readonly messageReference?: ReferenceInput | null;
  readonly flags?: number | null;
  /** `attachments`: earlier uploads to attach, or the metadata of `files`. */
  readonly attachments?: readonly AttachmentEntry[] | null;
  /** Multipart `files[n]`. */
  readonly files?: readonly FilePart[];
  /** A webhook's execute: the webhook is the author (`userId` is its id) and its channel needs no user's permissions. */
  readonly webhook?: WebhookSender;
  /** A forum post's first message (the channel domain's start-forum-post.ts): `channelId` names the new thread. */
  readonly starter?: ForumStarter;
}

/**
 * A forum post's first message: it takes the thread's id, its author's permissions are those in the forum (checked
 * there), and the thread is written by `createThread` once the message is checked, just before the message is.
 */
export interface ForumStarter {
  readonly guildId: Snowflake;
  /** The forum: the thread is not there yet when the author's membership is read. */
  readonly forumId: Snowflake;
  readonly permissions: bigint;
  readonly createThread: () => Promise<void>;
}

const starterChannel = (channelId: Snowflake, starter: ForumStarter, attaching: boolean): MessageChannel => {
  if (attaching) requirePermission(starter.permissions, "ATTACH_FILES");
  // The forum's slow mode already spaced this post; its first message is not held by the new thread's.
  return { id: channelId, guildId: starter.guildId, text: true, recipientIds: [], permissions: starter.permissions, rateLimitPerUser: 0, thread: { archived: false, member: true } };
};

/** The message, and whether this call created it (false: a live nonce named an earlier one). */
export interface SentMessage {
  readonly message: MessagePayload;
  readonly created: boolean;
}

/** Thrown inside the transaction to roll the whole send back when the nonce is taken. */
class NonceTaken extends Error {}

type SendDeps = Pick<
  MessageDeps,
  "permissions" | "unitOfWork" | "writeTogether" | "repositories" | "users" | "blocks" | "members" | "signer" | "clock" | "ids" | "publicUrl" | "blobs" | "detector" | "maxUploadBytes" | "threadMessageSent" | "rateLimiter"
>;

/** The message a live nonce already stands for, or null (it expired, or its message was deleted meanwhile). */
const earlierMessage = async (deps: SendDeps, key: NonceKey, nonce: Nonce, since: Date): Promise<MessagePayload | null> => {
  const id = await deps.repositories.messages.findByNonce(key, since);
  const message = id ? await deps.repositories.messages.find(key.channelId, id, key.authorId) : null;
  return message ? renderMessage(deps, message, { nonce }) : null;
};

/** What follows a new message's row: its mentions' inbox rows and MESSAGE_SENT. */
const recordSent = (writes: NewMessageWrites, message: NewMessage, mentionedOthers: readonly Snowflake[], sent: ReturnType<typeof messageSent>) =>
  Promise.all([writes.readStates.addMentions(message.channelId, message.id, mentionedOthers), writes.record([sent])]);

/** Discord's reason when the replied-to message is not there. */
const unknownReference = () => invalidField("message_reference", "Unknown message");

/**
 * The message a reply points at, as the reply shows it (its own reply and reactions left out); null when there is
 * none and `fail_if_not_exists` is false (the message is sent as a plain one). It must be in this channel.
 */
const repliedTo = async (deps: SendDeps, userId: Snowflake, channelId: Snowflake, reference: ReferenceInput): Promise<Message | null> => {
  if (reference.type !== undefined && reference.type !== 0) throw invalidField("message_reference.type", "Only replies (0) are supported: XCord has no forwards.");
  if (reference.messageId === undefined) throw invalidField("message_reference.message_id", "This field is required");
  const elsewhere = reference.channelId !== undefined && reference.channelId !== channelId;
  const found = elsewhere ? null : await deps.repositories.messages.find(channelId, reference.messageId, userId);
  const matches = found && (reference.guildId === undefined || reference.guildId === found.guildId);
  if (!matches) {
    if (reference.failIfNotExists === false) return null;
    throw unknownReference();
  }
  return { ...found, reactions: [], referencedMessage: undefined };
};

/**
 * Sends a message to a text channel or DM (MESSAGE_SENT); VIEW_CHANNEL and SEND_MESSAGES, ATTACH_FILES with files,
 * READ_MESSAGE_HISTORY for a reply. Content, embeds or attachments: at least one. Files of a multipart send are all
 * checked before any is stored. With `enforceNonce`, a second send of the same nonce by the same author in the same
 * channel within 5 minutes returns the first message and creates nothing, also when both arrive at once: the nonce
 * is claimed in the send's transaction, and the loser of the race rolls back everything it wrote.
 */
export const sendMessage =
  (deps: SendDeps) =>
  async (userId: Snowflake, channelId: Snowflake, input: SendMessageInput): Promise<SentMessage> => {
    const files = input.files ?? [];
    const attaching = files.length > 0 || (input.attachments?.length ?? 0) > 0;
    // Read beside the permission check, not after it: guild sends show the author's `member`.
    const membership = input.webhook ? Promise.resolve(null) : deps.members.authorIn(input.starter?.forumId ?? channelId, userId);
    membership.catch(() => undefined);
    // Read beside the permission check too: a known entry is a value, an unknown one one query per user and minute.
    const blocking = input.webhook ? null : deps.blocks.of(userId);
    if (blocking instanceof Promise) blocking.catch(() => undefined);
    const channel =
      input.webhook?.channel ??
      (input.starter && starterChannel(channelId, input.starter, attaching)) ??
      (await channelWith(
        deps,
        userId,
        channelId,
        "SEND_MESSAGES",
        ...(attaching ? (["ATTACH_FILES"] as const) : []),
        ...(input.messageReference ? (["READ_MESSAGE_HISTORY"] as const) : []),
      ));
    // A DM between users one of whom blocked the other takes no messages (Discord's 403 50007).
    const blocks = await blocking;
    if (blocks && channel.guildId === null && channel.recipientIds.some((id) => id !== userId && blockedEitherWay(blocks, id))) throw cannotMessageUser();
    const fields = checkFields({
      attachments: () => readAttachmentRequest(input.attachments ?? undefined, files),
      embeds: () => checkEmbeds(input.embeds ?? []),
      allowed_mentions: () => checkAllowedMentions(input.allowedMentions ?? undefined),
      flags: () => checkFlags(input.flags ?? undefined),
      nonce: () => nonceKey(input.nonce),
    });
    const withAttachments = fields.attachments.storedIds.length + fields.attachments.files.length > 0;
    const content = checkContent(input.content ?? "", withAttachments || fields.embeds.length > 0);
    if (input.enforceNonce && fields.nonce === undefined) throw invalidField("nonce", "Required with enforce_nonce.");
    const key: NonceKey | undefined = input.enforceNonce && fields.nonce !== undefined ? { channelId, authorId: userId, nonce: fields.nonce } : undefined;
    const replied = input.messageReference ? await repliedTo(deps, userId, channelId, input.messageReference) : null;
    const policy = mentionPolicy(fields.allowed_mentions);
    const repliedUserId = replied && policy.repliedUser ? replied.authorId : undefined;
    const [mentions, uploads] = await Promise.all([
      resolveMentions(deps, channel, content, policy, repliedUserId),
      prepareFiles(deps, userId, channelId, fields.attachments.files),
    ]);
    const draft = {
      id: input.starter ? channelId : deps.ids.next(),
      channelId,
      guildId: channel.guildId,
      authorId: userId,
      content,
      mentionIds: mentions.userIds,
      mentionEveryone: mentions.everyone,
      type: replied ? MessageType.REPLY : MessageType.DEFAULT,
      flags: fields.flags,
      embeds: fields.embeds,
      mentionRoleIds: mentions.roleIds,
      reference: replied ? { messageId: replied.id, channelId, guildId: channel.guildId } : null,
      ...(input.webhook ? { webhook: input.webhook.author } : {}),
    };
    const claimIds = [...fields.attachments.storedIds, ...uploads.map((upload) => upload.attachment.id)];
    // Slow mode takes the member's window only once the send is known to be valid; webhooks are not held by it.
    if (!input.webhook) {
      const scope = { channelId, seconds: channel.rateLimitPerUser, permissions: channel.permissions, thread: channel.thread !== undefined };
      await enforceSlowMode(deps, userId, scope, "message");
    }
    // Into a thread, as on Discord: an archived one is unarchived and the author joins it (a webhook joins nothing),
    // before the message is there.
    if (channel.thread && (channel.thread.archived || (!input.webhook && !channel.thread.member))) {
      await deps.threadMessageSent?.(channelId, input.webhook ? null : userId);
    }
    const [users, member] = await Promise.all([
      profilesOf(deps, [...new Set([userId, ...mentions.userIds, ...(replied ? [replied.authorId, ...replied.mentionIds] : [])])]),
      channel.guildId ? membership : Promise.resolve<AuthorMembership | null>(null),
    ]);
    const now = new Date(deps.clock.now());
    const staleBefore = new Date(now.getTime() - NONCE_WINDOW_MS);
    const message: NewMessage = { ...draft, hasAttachments: claimIds.length > 0 };
    // Those who blocked the author get no unread mention from them.
    const mentionedOthers = mentions.userIds.filter((id) => id !== userId && !blocks?.blockedBy.has(id));
    const bodyOf = (attachments: Message["attachments"]) =>
      messagePayload(
        { ...draft, editedAt: null, pinned: false, attachments, reactions: [], ...(replied ? { referencedMessage: replied } : {}) },
        users,
        (attachment) => attachmentUrl(deps, attachment),
        { nonce: input.nonce },
      );
    // MESSAGE_CREATE shows the author's member, as Discord's does; the answer does not (Discord's REST does not
    // either), which keeps a send's answer as cheap to check and write as before.
    const sentEvent = (body: MessagePayload) => messageSent(channel, member ? { ...body, member: memberPayload(member) } : body);
    await input.starter?.createThread();
    const plain = !input.webhook && !key && claimIds.length === 0 && !replied && fields.embeds.length === 0 && fields.flags === 0 && mentions.roleIds.length === 0;
    if (plain) {
      // Nothing to read back inside the transaction, and only the columns of the one-statement insert: the whole send is one statement.
      const body = bodyOf([]);
      await deps.writeTogether((writes) => {
        writes.messages.insert(message);
        void recordSent(writes, message, mentionedOthers, sentEvent(body));
      });
      return { message: body, created: true };
    }
    // Files are stored as the caller's unused uploads, then claimed below: a send that fails after this leaves
    // only uploads that the purge removes within the hour.
    await storeUploads(deps, uploads);
    try {
      const payload = await deps.unitOfWork(async (repositories) => {
        await repositories.messages.insert(message);
        if (key && !(await repositories.messages.claimNonce(key, draft.id, now, staleBefore))) throw new NonceTaken();
        const attachments =
          claimIds.length === 0
            ? []
            : await repositories.attachments.claim({
                ids: claimIds,
                uploaderId: userId,
                channelId,
                messageId: draft.id,
                uploadedAfter: new Date(now.getTime() - UPLOAD_CLAIM_WINDOW_MS),
              });
        if (attachments.length !== claimIds.length) {
          throw invalidField("attachments", "Unknown, expired or already used attachment, or one uploaded by someone else or for another channel.");
        }
        const body = bodyOf(attachments);
        await recordSent(repositories, message, mentionedOthers, sentEvent(body));
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
