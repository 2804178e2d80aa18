import { invalidField } from "../../../shared/kernel/domain-error";
import { type Snowflake, isSnowflake } from "../../../shared/kernel/snowflake";

/** Discord's channel flags that XCord has: a pinned forum post, and a forum whose posts need a tag. */
export const ChannelFlag = { PINNED: 1 << 1, REQUIRE_TAG: 1 << 4 } as const;
/** Discord's forum limits. */
export const MAX_FORUM_TAGS = 20;
export const FORUM_TAG_NAME_MAX = 20;
export const MAX_APPLIED_TAGS = 5;
/** A forum's topic (its post guidelines) is longer than a text channel's. */
export const FORUM_TOPIC_MAX = 4096;
const EMOJI_NAME_MAX = 64;

/** A tag a forum's posts may carry; a moderated one only MANAGE_THREADS holders may apply or remove. */
export interface ForumTag {
  readonly id: Snowflake;
  readonly name: string;
  readonly moderated: boolean;
  /** A custom emoji of the guild, or null. */
  readonly emojiId: Snowflake | null;
  /** A Unicode emoji, or null; at most one of emojiId and emojiName is set. */
  readonly emojiName: string | null;
}

/** The emoji clients show as the default reaction on a forum's posts. */
export interface ForumEmoji {
  readonly emojiId: Snowflake | null;
  readonly emojiName: string | null;
}

/** Discord's forum settings: sort order 0 latest activity, 1 creation date; layout 0 not set, 1 list, 2 gallery. */
export interface ForumSettings {
  readonly availableTags: readonly ForumTag[];
  readonly defaultReactionEmoji: ForumEmoji | null;
  readonly defaultSortOrder: 0 | 1 | null;
  readonly defaultForumLayout: 0 | 1 | 2;
  /** The slow mode each new post starts with, in seconds. */
  readonly defaultThreadRateLimitPerUser: number;
  /** REQUIRE_TAG or 0. */
  readonly flags: number;
}

export const DEFAULT_FORUM_SETTINGS: ForumSettings = {
  availableTags: [],
  defaultReactionEmoji: null,
  defaultSortOrder: null,
  defaultForumLayout: 0,
  defaultThreadRateLimitPerUser: 0,
  flags: 0,
};

/** A tag as a request sends it: with the id of an existing tag to keep it, without one for a new tag. */
export interface ForumTagInput {
  readonly id?: Snowflake;
  readonly name: string;
  readonly moderated?: boolean;
  readonly emojiId?: Snowflake | null;
  readonly emojiName?: string | null;
}

export interface ForumEmojiInput {
  readonly emojiId?: Snowflake | null;
  readonly emojiName?: string | null;
}

const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** An emoji reference: a custom emoji's id or a Unicode emoji, not both; null when neither is set. */
const checkEmoji = (input: ForumEmojiInput, field: string): ForumEmoji | null => {
  const emojiId = input.emojiId ?? null;
  const emojiName = input.emojiName?.trim() || null;
  if (emojiId !== null && emojiName !== null) throw invalidField(field, "Set emoji_id or emoji_name, not both.");
  if (emojiId !== null && !isSnowflake(emojiId)) throw invalidField(`${field}.emoji_id`, "Must be a snowflake.");
  if (emojiName !== null && (emojiName.length > EMOJI_NAME_MAX || CONTROL_CHARACTERS.test(emojiName))) {
    throw invalidField(`${field}.emoji_name`, `Must be a Unicode emoji of at most ${EMOJI_NAME_MAX} characters.`);
  }
  return emojiId === null && emojiName === null ? null : { emojiId, emojiName };
};

export const checkDefaultReactionEmoji = (input: ForumEmojiInput | null, field = "default_reaction_emoji"): ForumEmoji | null =>
  input === null ? null : checkEmoji(input, field);

/**
 * A forum's tags: at most 20, names 1–20 characters and distinct. A tag sent with the id of one of `current` keeps
 * that id; any other gets a new one from `nextId` (an id that names no current tag is refused).
 */
export const checkAvailableTags = (
  inputs: readonly ForumTagInput[],
  current: readonly ForumTag[],
  nextId: () => Snowflake,
  field = "available_tags",
): ForumTag[] => {
  if (inputs.length > MAX_FORUM_TAGS) throw invalidField(field, `Must have at most ${MAX_FORUM_TAGS} tags.`);
  const known = new Set(current.map((tag) => tag.id));
  const names = new Set<string>();
  const ids = new Set<Snowflake>();
  return inputs.map((input, index) => {
    const at = `${field}.${index}`;
    const name = input.name.trim();
    if (name.length < 1 || name.length > FORUM_TAG_NAME_MAX || CONTROL_CHARACTERS.test(name)) {
      throw invalidField(`${at}.name`, `Must be between 1 and ${FORUM_TAG_NAME_MAX} characters long, without control characters.`);
    }
    if (names.has(name.toLowerCase())) throw invalidField(`${at}.name`, "Tag names must be unique.");
    names.add(name.toLowerCase());
    if (input.id !== undefined && !known.has(input.id)) throw invalidField(`${at}.id`, "Not a tag of this channel; leave the id out for a new tag.");
    if (input.id !== undefined && ids.has(input.id)) throw invalidField(`${at}.id`, "Each tag may be listed once.");
    const id = input.id ?? nextId();
    ids.add(id);
    const emoji = checkEmoji(input, at);
    return { id, name, moderated: input.moderated ?? false, emojiId: emoji?.emojiId ?? null, emojiName: emoji?.emojiName ?? null };
  });
};

/** The custom emoji a forum's settings name: each must be one of the guild's. */
export const customEmojiIds = (settings: Pick<ForumSettings, "availableTags" | "defaultReactionEmoji">): Snowflake[] => [
  ...new Set([...settings.availableTags.map((tag) => tag.emojiId), settings.defaultReactionEmoji?.emojiId ?? null].filter((id): id is Snowflake => id !== null)),
];

export const checkSortOrder = (order: number | null, field = "default_sort_order"): 0 | 1 | null => {
  if (order !== null && order !== 0 && order !== 1) throw invalidField(field, "Must be 0 (latest activity), 1 (creation date) or null.");
  return order;
};

export const checkForumLayout = (layout: number, field = "default_forum_layout"): 0 | 1 | 2 => {
  if (layout !== 0 && layout !== 1 && layout !== 2) throw invalidField(field, "Must be 0 (not set), 1 (list) or 2 (gallery).");
  return layout;
};

/** A forum's flags: REQUIRE_TAG or none. */
export const checkForumFlags = (flags: number, field = "flags"): number => {
  if (!Number.isInteger(flags) || (flags & ~ChannelFlag.REQUIRE_TAG) !== 0) throw invalidField(field, "Only REQUIRE_TAG (16) may be set on a forum.");
  return flags;
};

/** A thread's flags: PINNED or none. */
export const checkThreadFlags = (flags: number, field = "flags"): number => {
  if (!Number.isInteger(flags) || (flags & ~ChannelFlag.PINNED) !== 0) throw invalidField(field, "Only PINNED (2) may be set on a thread.");
  return flags;
};

/**
 * The tags a post applies: at most 5 distinct tags of the forum, and at least one when the forum requires a tag.
 * Answers them with whether the change from `before` touches a moderated tag (which takes MANAGE_THREADS).
 */
export const checkAppliedTags = (
  ids: readonly Snowflake[],
  forum: ForumSettings,
  before: readonly Snowflake[] = [],
  field = "applied_tags",
): { readonly tags: Snowflake[]; readonly touchesModerated: boolean } => {
  const tags = [...new Set(ids)];
  if (tags.length > MAX_APPLIED_TAGS) throw invalidField(field, `Must have at most ${MAX_APPLIED_TAGS} tags.`);
  const byId = new Map(forum.availableTags.map((tag) => [tag.id, tag]));
  for (const id of tags) if (!byId.has(id)) throw invalidField(field, `Unknown tag ${id}: tags must be ones of the forum's available_tags.`);
  if (tags.length === 0 && (forum.flags & ChannelFlag.REQUIRE_TAG) !== 0) throw invalidField(field, "This forum requires a tag on each post.");
  const changed = [...tags.filter((id) => !before.includes(id)), ...before.filter((id) => !tags.includes(id))];
  return { tags, touchesModerated: changed.some((id) => byId.get(id)?.moderated === true) };
};

/** A forum pins one post at a time. */
export const postAlreadyPinned = () => invalidField("flags", "This forum has a pinned post already; unpin it first.");
