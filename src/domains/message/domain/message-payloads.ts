import { type Snowflake, snowflakeTimestamp } from "../../../shared/kernel/snowflake";
import { type Attachment, isImage } from "./attachment";
import { type Message, MessageType, type Nonce } from "./message";
import { type UserPayload, type UserProfile, userPayload as profilePayload } from "../../../shared/kernel/users";

/** The wire shapes of API.md; events carry them as is, since the gateway dispatches event data unchanged. */
export interface AttachmentPayload {
  readonly id: Snowflake;
  readonly filename: string;
  readonly content_type: string;
  readonly size: number;
  /** Signed and expiring; see ATTACHMENT_URL_TTL_MS. */
  readonly url: string;
  readonly width?: number;
  readonly height?: number;
}

export interface ReactionPayload {
  readonly emoji: { readonly id: null; readonly name: string };
  readonly count: number;
  readonly me: boolean;
}

export interface MessagePayload {
  readonly id: Snowflake;
  readonly type: number;
  readonly channel_id: Snowflake;
  readonly guild_id?: Snowflake;
  readonly author: UserPayload;
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
   * `edited_at` again; XCord has no text-to-speech, role mentions, embeds, components or flags yet, so those are
   * always false, empty or 0 (docs/rest.md).
   */
  readonly timestamp: string;
  readonly edited_timestamp: string | null;
  readonly tts: false;
  readonly mention_roles: Snowflake[];
  readonly embeds: never[];
  readonly components: never[];
  readonly flags: 0;
  /** Only in the answer to the send and in MESSAGE_CREATE, as Discord. */
  readonly nonce?: Nonce;
}

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
  ...(isImage(attachment.contentType) && attachment.width !== null && attachment.height !== null
    ? { width: attachment.width, height: attachment.height }
    : {}),
});

/** The users a message names: its author and everyone it mentions. */
export const userIdsOf = (messages: readonly Message[]): Snowflake[] => [
  ...new Set(messages.flatMap((message) => [message.authorId, ...message.mentionIds])),
];

/** A message as API.md shows it; `urlOf` signs each attachment's URL at the time of reading. */
export const messagePayload = (
  message: Message,
  users: ReadonlyMap<Snowflake, UserProfile>,
  urlOf: (attachment: Attachment) => string,
  nonce?: Nonce,
): MessagePayload => {
  const createdAt = new Date(snowflakeTimestamp(message.id)).toISOString();
  const editedAt = message.editedAt?.toISOString() ?? null;
  return {
    id: message.id,
    type: MessageType.DEFAULT,
    channel_id: message.channelId,
    ...(message.guildId ? { guild_id: message.guildId } : {}),
    author: userPayload(message.authorId, users),
    content: message.content,
    created_at: createdAt,
    edited_at: editedAt,
    mentions: message.mentionIds.map((id) => userPayload(id, users)),
    mention_everyone: message.mentionEveryone,
    attachments: message.attachments.map((attachment) => attachmentPayload(attachment, urlOf(attachment))),
    reactions: message.reactions.map((reaction) => ({ emoji: { id: null, name: reaction.emoji }, count: reaction.count, me: reaction.me })),
    pinned: message.pinned,
    timestamp: createdAt,
    edited_timestamp: editedAt,
    tts: false,
    mention_roles: [],
    embeds: [],
    components: [],
    flags: 0,
    ...(nonce !== undefined ? { nonce } : {}),
  };
};
