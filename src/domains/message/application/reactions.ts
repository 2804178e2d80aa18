import { invalidField } from "../../../shared/kernel/domain-error";
import type { PermissionName } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type ReactionEmojiInput, customEmojiKey, existingKeyFor, parseReactionEmoji } from "../domain/emoji";
import { REACTION_EMOJIS_MAX } from "../domain/message";
import { invalidEmoji, limitReached, unknownMessage } from "../domain/message-errors";
import { reactionChanged } from "../domain/message-events";
import type { UserPayload } from "../../../shared/kernel/users";
import { userPayload } from "../domain/message-payloads";
import type { MessageChannel } from "../domain/message-channel";
import { channelWith } from "./message-access";
import type { MessageDeps } from "./message-deps";
import { profilesOf } from "./message-views";

export const REACTION_USERS_LIMIT_MAX = 100;
export const REACTION_USERS_LIMIT_DEFAULT = 25;

type ReactionDeps = Pick<MessageDeps, "permissions" | "repositories">;

/** The channel and a message of it that the caller may react to or read reactions of. */
const reactable = async (deps: ReactionDeps, userId: Snowflake, channelId: Snowflake, messageId: Snowflake, required: PermissionName[]) => {
  const channel = await channelWith(deps, userId, channelId, "READ_MESSAGE_HISTORY", ...required);
  const exists = await deps.repositories.messages.existing(channelId, [messageId]);
  if (exists.length === 0) throw unknownMessage();
  return channel;
};

/**
 * The key of a reaction's emoji on a message: a unicode emoji's own; for a custom one, the key the message already
 * has for its id (so that an emoji renamed since still counts as one), else `fresh`.
 */
const keyOn = (keys: readonly string[], emoji: ReactionEmojiInput, fresh?: string): string =>
  "unicode" in emoji ? emoji.unicode : (existingKeyFor(keys, emoji.customId) ?? fresh ?? `${emoji.name}:${emoji.customId}`);

/** Adds or removes one reaction in a transaction, recording the event only when something changed. */
const change = async (
  deps: Pick<MessageDeps, "unitOfWork" | "clock">,
  channel: MessageChannel,
  messageId: Snowflake,
  userId: Snowflake,
  input: ReactionEmojiInput,
  adding: { readonly key: string } | null,
) =>
  deps.unitOfWork(async (repositories) => {
    // The message's emojis: for the 20-emoji limit, and the key of a custom one; a unicode removal needs neither.
    const emojis = adding || "customId" in input ? await repositories.reactions.emojis(messageId) : [];
    const emoji = keyOn(emojis, input, adding?.key);
    if (adding && !emojis.includes(emoji) && emojis.length >= REACTION_EMOJIS_MAX) throw limitReached("reactions", REACTION_EMOJIS_MAX);
    const changed = adding
      ? await repositories.reactions.add(channel.id, messageId, emoji, userId, new Date(deps.clock.now()))
      : await repositories.reactions.remove(channel.id, messageId, emoji, userId);
    if (!changed) return;
    const type = adding ? "MESSAGE_REACTION_ADDED" : "MESSAGE_REACTION_REMOVED";
    await repositories.record([reactionChanged(type, channel, messageId, userId, emoji)]);
  });

/**
 * Adds the caller's reaction (MESSAGE_REACTION_ADDED); ADD_REACTIONS; reacting twice changes nothing. At most 20
 * emojis a message. A custom emoji (`name:id`) must be one the caller may use (EmojiAccess), else 400 10014.
 */
export const addReaction =
  (deps: ReactionDeps & Pick<MessageDeps, "unitOfWork" | "clock" | "emojis">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, rawEmoji: string): Promise<void> => {
    const input = parseReactionEmoji(rawEmoji);
    const channel = await reactable(deps, userId, channelId, messageId, ["ADD_REACTIONS"]);
    let key = "unicode" in input ? input.unicode : "";
    if ("customId" in input) {
      const custom = await deps.emojis.usable(userId, input.customId);
      if (!custom) throw invalidEmoji();
      key = customEmojiKey(custom);
    }
    await change(deps, channel, messageId, userId, input, { key });
  };

/** Removes the caller's reaction (MESSAGE_REACTION_REMOVED); removing one that is not there changes nothing. */
export const removeReaction =
  (deps: ReactionDeps & Pick<MessageDeps, "unitOfWork" | "clock">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, rawEmoji: string): Promise<void> => {
    const input = parseReactionEmoji(rawEmoji);
    const channel = await reactable(deps, userId, channelId, messageId, []);
    await change(deps, channel, messageId, userId, input, null);
  };

/** The users who reacted with an emoji, by ascending id, `limit` 1–100 (25 by default) after the user id `after`. */
export const listReactionUsers =
  (deps: ReactionDeps & Pick<MessageDeps, "users">) =>
  async (userId: Snowflake, channelId: Snowflake, messageId: Snowflake, rawEmoji: string, page: { limit?: number; after?: Snowflake }): Promise<UserPayload[]> => {
    const input = parseReactionEmoji(rawEmoji);
    const limit = page.limit ?? REACTION_USERS_LIMIT_DEFAULT;
    if (!Number.isInteger(limit) || limit < 1 || limit > REACTION_USERS_LIMIT_MAX) throw invalidField("limit", `Must be between 1 and ${REACTION_USERS_LIMIT_MAX}.`);
    await reactable(deps, userId, channelId, messageId, []);
    const emoji = "unicode" in input ? input.unicode : keyOn(await deps.repositories.reactions.emojis(messageId), input);
    const ids = await deps.repositories.reactions.users(messageId, emoji, { limit, after: page.after });
    const users = await profilesOf(deps, ids);
    return ids.map((id) => userPayload(id, users));
  };
