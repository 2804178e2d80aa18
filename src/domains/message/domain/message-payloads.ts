import { type Snowflake, snowflakeTimestamp } from "../../../shared/kernel/snowflake";
import { type ReactionEmojiPayload, reactionEmojiOf } from "./emoji";
import { type Attachment, isImage } from "./attachment";
import type { Embed } from "./embeds";
import type { Message, Nonce, StarterThread } from "./message";
import type { AuthorMembership } from "./message-members";
import { type UserPayload, type UserProfile, userPayload as profilePayload } from "../../../shared/kernel/users";
import { type WebhookAuthorPayload, webhookAuthorPayload } from "./webhook-payloads";

/** The wire shapes of API.md; events carry them as is, since the gateway dispatches event data unchanged. */
export interface AttachmentPayload {
  readonly id: Snowflake;
  readonly filename: string;
  readonly content_type: string;
  readonly size: number;
  /** Signed and expiring; see ATTACHMENT_URL_TTL_MS. */
  readonly url: string;
  /** Discord's media-proxy URL, which its libraries require: XCord has no proxy, so the same URL. */
  readonly proxy_url: string;
  readonly width?: number;
  readonly height?: number;
  /** Alt text, when given. */
  readonly description?: string;
}

export interface ReactionPayload {
  readonly emoji: ReactionEmojiPayload;
  readonly count: number;
  readonly me: boolean;
}

export interface MessagePayload {
  readonly id: Snowflake;
  readonly type: number;
  readonly channel_id: Snowflake;
  readonly guild_id?: Snowflake;
  /** A webhook's message: the webhook, under the name and avatar it was sent with. */
  readonly author: UserPayload | WebhookAuthorPayload;
  readonly webhook_id?: Snowflake;
  readonly content: string;
  readonly created_at: string;
  readonly edited_at: string | null;
  readonly mentions: UserPayload[];
  readonly mention_everyone: boolean;
  readonly attachments: AttachmentPayload[];
  readonly reactions: ReactionPayload[];
  readonly pinned: boolean;
  /*
   * Discord's names and fields, which its libraries read: `timestamp` and `edited_timestamp` are `created_at` and
   * `edited_at` again; XCord has no text-to-speech or message components, so those are always false and empty
   * (docs/rest.md).
   */
  readonly timestamp: string;
  readonly edited_timestamp: string | null;
  readonly tts: false;
  readonly mention_roles: Snowflake[];
  readonly embeds: Embed[];
  readonly components: never[];
  readonly flags: number;
  /** XCord's DM delivery status, on the caller's own DM messages in REST answers only (domain/delivery.ts). */
  readonly delivery?: "sent" | "delivered" | "read";
  /** Replies only. */
  readonly message_reference?: MessageReferencePayload;
  /** Replies only: the replied-to message, null once deleted. */
  readonly referenced_message?: MessagePayload | null;
  /** A message a thread was started from: that thread's channel object (Discord's `thread`). */
  readonly thread?: StarterThread;
  /** Guild MESSAGE_CREATE and MESSAGE_UPDATE only: the author as a member. */
  readonly member?: MemberPayload;
  /** Only in the answer to the send and in MESSAGE_CREATE, as Discord. */
  readonly nonce?: Nonce;
}

export interface MessageReferencePayload {
  readonly type: 0;
  readonly message_id: Snowflake;
  readonly channel_id: Snowflake;
  readonly guild_id?: Snowflake;
}

/** Discord's partial guild member on message events (no `user`: it is the author). */
export interface MemberPayload {
  readonly roles: Snowflake[];
  readonly nick: string | null;
  readonly avatar: null;
  readonly joined_at: string;
  readonly premium_since: null;
  readonly deaf: false;
  readonly mute: false;
  readonly flags: 0;
  readonly pending: false;
}

export const memberPayload = (membership: AuthorMembership): MemberPayload => ({
  roles: [...membership.roleIds],
  nick: membership.nick,
  avatar: null,
  joined_at: membership.joinedAt.toISOString(),
  premium_since: null,
  deaf: false,
  mute: false,
  flags: 0,
  pending: false,
});

/** What an account that no longer resolves shows as: history stays readable. */
const missingUser = (id: Snowflake): UserPayload =>
  profilePayload({
    id,
    username: "deleted_user",
    displayName: "Deleted User",
    avatar: null,
    bot: false,
    createdAt: new Date(snowflakeTimestamp(id)),
    deleted: true,
  });

export const userPayload = (id: Snowflake, users: ReadonlyMap<Snowflake, UserProfile>): UserPayload => {
  const user = users.get(id);
  return user ? profilePayload(user) : missingUser(id);
};

export const attachmentPayload = (attachment: Attachment, url: string): AttachmentPayload => ({
  id: attachment.id,
  filename: attachment.filename,
  content_type: attachment.contentType,
  size: attachment.size,
  url,
  proxy_url: url,
  ...(isImage(attachment.contentType) && attachment.width !== null && attachment.height !== null
    ? { width: attachment.width, height: attachment.height }
    : {}),
  ...(attachment.description ? { description: attachment.description } : {}),
});

/** The users a message names: its author and everyone it mentions, and those of the message it replies to. */
export const namedUserIds = (message: Message): Snowflake[] => {
  // A webhook's message names no user as its author: the webhook is no account to look up.
  const authorOf = (named: Message) => (named.webhook ? [] : [named.authorId]);
  const named = [...authorOf(message), ...message.mentionIds];
  const replied = message.referencedMessage;
  return replied ? [...named, ...authorOf(replied), ...replied.mentionIds] : named;
};

/** The users some messages name, each once. */
export const userIdsOf = (messages: readonly Message[]): Snowflake[] => [...new Set(messages.flatMap(namedUserIds))];

/** What a payload may carry beyond the message itself. */
export interface PayloadExtras {
  readonly nonce?: Nonce;
  readonly member?: AuthorMembership | null;
}

/** A message as API.md shows it; `urlOf` signs each attachment's URL at the time of reading. */
export const messagePayload = (
  message: Message,
  users: ReadonlyMap<Snowflake, UserProfile>,
  urlOf: (attachment: Attachment) => string,
  extras: PayloadExtras = {},
): MessagePayload => {
  const { nonce, member } = extras;
  const reference = message.reference;
  const createdAt = new Date(snowflakeTimestamp(message.id)).toISOString();
  const editedAt = message.editedAt?.toISOString() ?? null;
  return {
    id: message.id,
    type: message.type,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: message.webhook ? webhookAuthorPayload(message.webhook) : userPayload(message.authorId, users),
    ...(message.webhook ? { webhook_id: message.webhook.id } : {}),
    content: message.content,
    created_at: createdAt,
    edited_at: editedAt,
    mentions: message.mentionIds.map((id) => userPayload(id, users)),
    mention_everyone: message.mentionEveryone,
    attachments: message.attachments.map((attachment) => attachmentPayload(attachment, urlOf(attachment))),
    reactions: message.reactions.map((reaction) => ({ emoji: reactionEmojiOf(reaction.emoji), count: reaction.count, me: reaction.me })),
    pinned: message.pinned,
    timestamp: createdAt,
    edited_timestamp: editedAt,
    tts: false,
    mention_roles: [...message.mentionRoleIds],
    embeds: message.embeds as Embed[],
    components: [],
    flags: message.flags,
    ...(reference
      ? {
          message_reference: {
            type: 0,
            message_id: reference.messageId,
            channel_id: reference.channelId,
            ...(reference.guildId ? { guild_id: reference.guildId } : {}),
          },
        }
      : {}),
    // Undefined: not read (the replied-to message's own reply); null: deleted.
    ...(reference && message.referencedMessage !== undefined
      ? { referenced_message: message.referencedMessage ? messagePayload(message.referencedMessage, users, urlOf) : null }
      : {}),
    ...(message.thread ? { thread: message.thread } : {}),
    ...(member ? { member: memberPayload(member) } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  };
};
