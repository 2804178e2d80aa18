import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Attachment } from "./attachment";
import type { Embed } from "./embeds";
import type { WebhookAuthor } from "./webhook";
import { codePointLength } from "../../../shared/kernel/text";

/** Discord's message types that XCord has: a plain message and a reply. */
export const MessageType = { DEFAULT: 0, REPLY: 19 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Discord's message flags; a sender may set SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS, HAS_THREAD is XCord's to set. */
export const MessageFlags = { SUPPRESS_EMBEDS: 1 << 2, HAS_THREAD: 1 << 5, SUPPRESS_NOTIFICATIONS: 1 << 12 } as const;
const SETTABLE_FLAGS = MessageFlags.SUPPRESS_EMBEDS | MessageFlags.SUPPRESS_NOTIFICATIONS;
/** What an edit may change: Discord lets only SUPPRESS_EMBEDS be toggled after sending. */
const EDITABLE_FLAGS = MessageFlags.SUPPRESS_EMBEDS;

/** The message a reply points at; always in the same channel. */
export interface MessageReference {
  readonly messageId: Snowflake;
  readonly channelId: Snowflake;
  readonly guildId: Snowflake | null;
}

/** One emoji's reactions on a message, as one viewer sees them. */
export interface ReactionSummary {
  readonly emoji: string;
  readonly count: number;
  /** True when the viewer is among those who reacted. */
  readonly me: boolean;
}

/**
 * The thread a message started, as the channel domain shows it (Discord's channel object, carried as is): this
 * domain reads only its id and parent.
 */
export interface StarterThread {
  readonly id: Snowflake;
  readonly parent_id: Snowflake;
}

/** A message in a guild text channel or a DM. Its creation time is its id's timestamp. */
export interface Message {
  readonly id: Snowflake;
  readonly channelId: Snowflake;
  /** Null in DMs. */
  readonly guildId: Snowflake | null;
  readonly authorId: Snowflake;
  readonly content: string;
  readonly editedAt: Date | null;
  /** Users mentioned with `<@id>` who can see the channel, in order of first mention. */
  readonly mentionIds: readonly Snowflake[];
  readonly mentionEveryone: boolean;
  readonly pinned: boolean;
  readonly attachments: readonly Attachment[];
  readonly reactions: readonly ReactionSummary[];
  readonly type: MessageType;
  /** MessageFlags bits. */
  readonly flags: number;
  /** A message a thread was started from (HAS_THREAD), when read: that thread (starter-threads.ts). */
  readonly thread?: StarterThread;
  /** Rich embeds as stored (checked by `checkEmbeds`). */
  readonly embeds: readonly Embed[];
  /** Roles of the guild mentioned with `<@&id>` that the author could mention. */
  readonly mentionRoleIds: readonly Snowflake[];
  /** Replies only: what they reply to. */
  readonly reference: MessageReference | null;
  /**
   * Replies only, when read: the replied-to message (without its own reference, reactions left out), or null once
   * it is deleted. Undefined for messages that are no replies.
   */
  readonly referencedMessage?: Message | null;
  /** A webhook's message: `authorId` is the webhook's id, and this the name and avatar it was sent under. */
  readonly webhook?: WebhookAuthor;
}

export const CONTENT_MAX = 4000;
export const NONCE_MAX = 25;
export const ATTACHMENTS_PER_MESSAGE_MAX = 10;
/** A second send with the same nonce within this window returns the first message. */
export const NONCE_WINDOW_MS = 5 * 60_000;
export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_LIMIT_DEFAULT = 50;
export const PINS_MAX = 50;
export const BULK_DELETE_MIN = 2;
export const BULK_DELETE_MAX = 100;
/** Discord's rule: bulk delete only reaches two weeks back. */
export const BULK_DELETE_MAX_AGE_MS = 14 * 24 * 3600_000;
/** Distinct emojis on one message, as Discord. */
export const REACTION_EMOJIS_MAX = 20;

/**
 * Checks message content: at most 4000 code points, and not blank unless the message carries attachments or
 * embeds (`hasOther`). Content is kept as sent (no trimming), as Discord does.
 */
export const checkContent = (content: string, hasOther: boolean, field = "content"): string => {
  if (codePointLength(content) > CONTENT_MAX) throw invalidField(field, `Must be ${CONTENT_MAX} or fewer in length.`);
  if (content.trim() === "" && !hasOther) throw invalidField(field, "Cannot send an empty message.");
  return content;
};

/** A nonce as sent: a string of at most 25 characters or an integer. */
export type Nonce = string | number;

/** The nonce's key for de-duplication (`123` and `"123"` are one nonce); undefined when none was sent. */
export const nonceKey = (nonce: Nonce | undefined, field = "nonce"): string | undefined => {
  if (nonce === undefined) return undefined;
  if (typeof nonce === "number") {
    if (!Number.isSafeInteger(nonce)) throw invalidField(field, "Must be a safe integer or a string.");
    return String(nonce);
  }
  if (codePointLength(nonce) > NONCE_MAX || nonce === "") throw invalidField(field, `Must be 1 to ${NONCE_MAX} characters long.`);
  return nonce;
};

/** The attachment ids of a send, whichever form the client used; at most 10, no repeats. */
export const checkAttachmentIds = (ids: readonly Snowflake[], field = "attachments"): Snowflake[] => {
  if (ids.length > ATTACHMENTS_PER_MESSAGE_MAX) throw invalidField(field, `At most ${ATTACHMENTS_PER_MESSAGE_MAX} attachments.`);
  if (new Set(ids).size !== ids.length) throw invalidField(field, "Duplicate attachment.");
  return [...ids];
};

/** Flags of a new message: only SUPPRESS_EMBEDS and SUPPRESS_NOTIFICATIONS may be set (400 otherwise). */
export const checkFlags = (flags: number | undefined, field = "flags"): number => {
  const value = flags ?? 0;
  if (!Number.isSafeInteger(value) || value < 0 || (value & ~SETTABLE_FLAGS) !== 0) {
    throw invalidField(field, "Only SUPPRESS_EMBEDS (1 << 2) and SUPPRESS_NOTIFICATIONS (1 << 12) may be set.");
  }
  return value;
};

/**
 * The flags after an edit: SUPPRESS_EMBEDS may be toggled; the other settable bits are accepted and left as they
 * were sent (libraries echo a message's flags back); bits outside those two are refused as on send.
 */
export const editedFlags = (current: number, requested: number | null | undefined, field = "flags"): number => {
  if (requested === undefined || requested === null) return current;
  // HAS_THREAD is the server's: echoed back by a library, it is ignored, and the message keeps it as it is.
  const value = checkFlags(Number.isSafeInteger(requested) && requested >= 0 ? requested & ~MessageFlags.HAS_THREAD : requested, field);
  return (current & ~EDITABLE_FLAGS) | (value & EDITABLE_FLAGS);
};

/** Whether a thread was started from the message (HAS_THREAD). */
export const hasThread = (message: Pick<Message, "flags">): boolean => (message.flags & MessageFlags.HAS_THREAD) !== 0;

/** The ids of a bulk delete: 2–100, no repeats. */
export const checkBulkIds = (ids: readonly Snowflake[], field = "messages"): Snowflake[] => {
  if (ids.length < BULK_DELETE_MIN || ids.length > BULK_DELETE_MAX) {
    throw invalidField(field, `Must be between ${BULK_DELETE_MIN} and ${BULK_DELETE_MAX} message ids.`);
  }
  if (new Set(ids).size !== ids.length) throw invalidField(field, "Duplicate message id.");
  return [...ids];
};
