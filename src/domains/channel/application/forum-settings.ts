import { invalidField } from "../../../shared/kernel/domain-error";
import { checkFields } from "../../../shared/kernel/field-checks";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import {
  type ForumEmojiInput,
  type ForumSettings,
  type ForumTagInput,
  checkAvailableTags,
  checkDefaultReactionEmoji,
  checkForumFlags,
  checkForumLayout,
  checkSortOrder,
  customEmojiIds,
} from "../domain/forum";
import { checkRateLimitPerUser } from "../domain/thread";
import type { ChannelDeps } from "./channel-deps";

/** Discord's forum fields of a create or modify; undefined leaves a field as it is. */
export interface ForumSettingsInput {
  readonly availableTags?: readonly ForumTagInput[];
  readonly defaultReactionEmoji?: ForumEmojiInput | null;
  readonly defaultSortOrder?: number | null;
  readonly defaultForumLayout?: number;
  readonly defaultThreadRateLimitPerUser?: number | null;
  readonly flags?: number;
}

/**
 * A forum's settings once the request applies to `current`: every field checked (one 400 for all), new tags given
 * ids, and each custom emoji named one of the guild's.
 */
export const applyForumSettings = async (
  deps: Pick<ChannelDeps, "guilds" | "ids">,
  guildId: Snowflake,
  current: ForumSettings,
  input: ForumSettingsInput,
): Promise<ForumSettings> => {
  const fields = checkFields({
    availableTags: () => (input.availableTags === undefined ? current.availableTags : checkAvailableTags(input.availableTags, current.availableTags, () => deps.ids.next())),
    defaultReactionEmoji: () => (input.defaultReactionEmoji === undefined ? current.defaultReactionEmoji : checkDefaultReactionEmoji(input.defaultReactionEmoji)),
    defaultSortOrder: () => (input.defaultSortOrder === undefined ? current.defaultSortOrder : checkSortOrder(input.defaultSortOrder)),
    defaultForumLayout: () => (input.defaultForumLayout === undefined ? current.defaultForumLayout : checkForumLayout(input.defaultForumLayout)),
    defaultThreadRateLimitPerUser: () =>
      input.defaultThreadRateLimitPerUser === undefined || input.defaultThreadRateLimitPerUser === null
        ? current.defaultThreadRateLimitPerUser
        : checkRateLimitPerUser(input.defaultThreadRateLimitPerUser, "default_thread_rate_limit_per_user"),
    flags: () => (input.flags === undefined ? current.flags : checkForumFlags(input.flags)),
  });
  const before = new Set(customEmojiIds(current));
  for (const emojiId of customEmojiIds(fields)) {
    if (!before.has(emojiId) && !(await deps.guilds.hasEmoji(guildId, emojiId))) throw invalidField("emoji_id", `Unknown emoji ${emojiId}: it must be a custom emoji of this guild.`);
  }
  return fields;
};
