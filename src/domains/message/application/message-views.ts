import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Message } from "../domain/message";
import { type MessagePayload, type PayloadExtras, messagePayload, namedUserIds, userIdsOf } from "../domain/message-payloads";
import type { UserProfile } from "../../../shared/kernel/users";
import { attachmentUrl } from "./attachment-links";
import type { MessageDeps } from "./message-deps";

export type ViewDeps = Pick<MessageDeps, "users" | "signer" | "clock" | "publicUrl">;

/** The profiles of these users, by id, in one directory call. */
export const profilesOf = async (deps: Pick<MessageDeps, "users">, ids: readonly Snowflake[]): Promise<Map<Snowflake, UserProfile>> =>
  new Map((ids.length === 0 ? [] : await deps.users.findUsers(ids)).map((user) => [user.id, user]));

/**
 * Payloads already rendered, by message object, with the profiles they were rendered with. The history cache hands
 * out the same message objects until a message changes, and the profile cache the same profile objects until a
 * profile changes, so a payload rendered from the same objects is the same payload: a newest page is rendered once,
 * not once per read. Messages with attachments are rendered each time (their URLs are signed at reading time).
 */
const rendered = new WeakMap<Message, { readonly users: readonly (UserProfile | undefined)[]; readonly payload: MessagePayload }>();

const sameProfiles = (a: readonly (UserProfile | undefined)[], b: readonly (UserProfile | undefined)[]) =>
  a.length === b.length && a.every((user, index) => user === b[index]);

/** Whole pages rendered, by page array (the history cache hands out the same array until the page changes). */
const renderedPages = new WeakMap<readonly Message[], { readonly users: readonly (UserProfile | undefined)[]; readonly payloads: MessagePayload[] }>();

/** The profiles a message's payload shows, in a fixed order: its author, its mentions, then its replied-to message's. */
const profilesNamedBy = (message: Message, users: ReadonlyMap<Snowflake, UserProfile>) => namedUserIds(message).map((id) => users.get(id));

/** Attachment URLs are signed at reading time, so a payload showing any is never reused. */
const showsAttachments = (message: Message) => message.attachments.length > 0 || (message.referencedMessage?.attachments.length ?? 0) > 0;

/**
 * Messages as API.md shows them: authors and mentions resolved in one directory call, attachment URLs signed now.
 * A page rendered before from the same array and the same profile objects is the same array of payloads, which
 * callers (and the response) share: it must not be changed.
 */
export const renderMessages = async (deps: ViewDeps, messages: readonly Message[]): Promise<MessagePayload[]> => {
  const users = await profilesOf(deps, userIdsOf(messages));
  const signsUrls = messages.some(showsAttachments);
  const shown = signsUrls ? [] : messages.flatMap((message) => profilesNamedBy(message, users));
  const known = signsUrls ? undefined : renderedPages.get(messages);
  if (known && sameProfiles(known.users, shown)) return known.payloads;
  const payloads = messages.map((message) => {
    if (showsAttachments(message)) return messagePayload(message, users, (attachment) => attachmentUrl(deps, attachment));
    const named = profilesNamedBy(message, users);
    const known = rendered.get(message);
    if (known && sameProfiles(known.users, named)) return known.payload;
    const payload = messagePayload(message, users, (attachment) => attachmentUrl(deps, attachment));
    rendered.set(message, { users: named, payload });
    return payload;
  });
  if (!signsUrls) {
    // Frozen: shared by every read of the page, and so safe to serialize once (http-core keeps frozen bodies).
    Object.freeze(payloads);
    renderedPages.set(messages, { users: shown, payloads });
  }
  return payloads;
};

/** One message as API.md shows it, with the nonce it was sent with and its author's membership when known. */
export const renderMessage = async (deps: ViewDeps, message: Message, extras: PayloadExtras = {}): Promise<MessagePayload> => {
  const users = await profilesOf(deps, userIdsOf([message]));
  return messagePayload(message, users, (attachment) => attachmentUrl(deps, attachment), extras);
};
