import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Message, Nonce } from "../domain/message";
import { type MessagePayload, messagePayload, userIdsOf } from "../domain/message-payloads";
import type { UserProfile } from "../../../shared/kernel/users";
import { attachmentUrl } from "./attachment-links";
import type { MessageDeps } from "./message-deps";

export type ViewDeps = Pick<MessageDeps, "users" | "signer" | "clock" | "publicUrl">;

/** The profiles of these users, by id, in one directory call. */
export const profilesOf = async (deps: Pick<MessageDeps, "users">, ids: readonly Snowflake[]): Promise<Map<Snowflake, UserProfile>> =>
  new Map((ids.length === 0 ? [] : await deps.users.findUsers(ids)).map((user) => [user.id, user]));

/** Messages as API.md shows them: authors and mentions resolved in one directory call, attachment URLs signed now. */
export const renderMessages = async (deps: ViewDeps, messages: readonly Message[]): Promise<MessagePayload[]> => {
  const users = await profilesOf(deps, userIdsOf(messages));
  return messages.map((message) => messagePayload(message, users, (attachment) => attachmentUrl(deps, attachment)));
};

/** One message as API.md shows it, with the nonce it was sent with when known. */
export const renderMessage = async (deps: ViewDeps, message: Message, nonce?: Nonce): Promise<MessagePayload> => {
  const users = await profilesOf(deps, userIdsOf([message]));
  return messagePayload(message, users, (attachment) => attachmentUrl(deps, attachment), nonce);
};
