import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { Permission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Overwrite } from "./overwrite";
import { FORUM_TOPIC_MAX, type ForumSettings } from "./forum";
import { type ThreadChannel, checkRateLimitPerUser, isThreadType } from "./thread";

export type { ThreadChannel } from "./thread";

/** Discord's channel types that XCord has. */
export const ChannelType = { GUILD_TEXT: 0, DM: 1, GUILD_VOICE: 2, GUILD_CATEGORY: 4, PUBLIC_THREAD: 11, PRIVATE_THREAD: 12, GUILD_FORUM: 15 } as const;

/**
 * The `bitrate` voice channels show: Discord's default, 64 kbps. Discord's libraries require the field; XCord
 * neither sets nor enforces a bitrate (the clients' Opus encoders choose theirs), and it cannot be changed.
 */
export const VOICE_BITRATE = 64_000;
/** Discord's video quality of a voice channel: 1 auto (the SFU picks each viewer's layer), 2 full (720p where it can). */
export const VideoQualityMode = { AUTO: 1, FULL: 2 } as const;
export type VideoQualityMode = (typeof VideoQualityMode)[keyof typeof VideoQualityMode];
export type GuildChannelType =
  | typeof ChannelType.GUILD_TEXT
  | typeof ChannelType.GUILD_VOICE
  | typeof ChannelType.GUILD_CATEGORY
  | typeof ChannelType.GUILD_FORUM;

/** A text, voice or forum channel, or a category grouping them, in a guild. */
export interface GuildChannel {
  readonly id: Snowflake;
  readonly type: GuildChannelType;
  readonly guildId: Snowflake;
  readonly name: string;
  readonly position: number;
  /** The category it sits in, if any. */
  readonly parentId: Snowflake | null;
  /** Text channels, and forums (their post guidelines). */
  readonly topic: string | null;
  /** Voice channels only: how many users may be connected at once; 0 means unlimited. */
  readonly userLimit: number;
  /** Voice channels only: camera video quality; absent means 1 (auto). */
  readonly videoQualityMode?: VideoQualityMode;
  /** Text and forum channels: slow mode, the seconds a member waits between two messages or posts (0: off). */
  readonly rateLimitPerUser: number;
  /** Forums only: their tags and the defaults of their posts. */
  readonly forum?: ForumSettings;
  readonly overwrites: readonly Overwrite[];
  /** Set by the message domain. */
  readonly lastMessageId: Snowflake | null;
}

/** A private conversation between two users; the same pair always shares one. */
export interface DmChannel {
  readonly id: Snowflake;
  readonly type: typeof ChannelType.DM;
  /** The two users, lower id first. */
  readonly recipientIds: readonly [Snowflake, Snowflake];
  readonly lastMessageId: Snowflake | null;
}

export type Channel = GuildChannel | DmChannel | ThreadChannel;

/** A text, voice, forum or category channel of a guild (not a thread, not a DM). */
export const isGuildChannel = (channel: Channel): channel is GuildChannel => channel.type !== ChannelType.DM && !isThreadType(channel.type);
export const isThread = (channel: Channel): channel is ThreadChannel => isThreadType(channel.type);
export const isDm = (channel: Channel): channel is DmChannel => channel.type === ChannelType.DM;
/** The guild a channel or thread belongs to; null for a DM. */
export const guildOf = (channel: Channel): Snowflake | null => (isDm(channel) ? null : channel.guildId);

export const CHANNEL_NAME_MAX = 100;
export const TOPIC_MAX = 1024;
export const USER_LIMIT_MAX = 99;
export const MAX_CHANNELS_PER_GUILD = 500;
/** What each recipient may do in a DM: everything a conversation needs, nothing that manages it. */
export const DM_PERMISSIONS =
  Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES | Permission.READ_MESSAGE_HISTORY | Permission.ADD_REACTIONS | Permission.ATTACH_FILES;

const GUILD_TYPES: ReadonlySet<number> = new Set([ChannelType.GUILD_TEXT, ChannelType.GUILD_VOICE, ChannelType.GUILD_CATEGORY, ChannelType.GUILD_FORUM]);
const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export const checkGuildChannelType = (type: number, field = "type"): GuildChannelType => {
  if (!GUILD_TYPES.has(type)) throw invalidField(field, "Must be 0 (text), 2 (voice), 4 (category) or 15 (forum).");
  return type as GuildChannelType;
};

/**
 * A channel name is 1–100 characters after trimming. Text and forum channel names are also lower-cased with each run
 * of whitespace turned into one dash, as Discord shows them (`General Chat` → `general-chat`).
 */
export const normalizeChannelName = (type: GuildChannelType, raw: string, field = "name"): string => {
  let name = raw.trim();
  if (type === ChannelType.GUILD_TEXT || type === ChannelType.GUILD_FORUM) name = name.toLowerCase().replace(/\s+/g, "-");
  if (name.length < 1 || name.length > CHANNEL_NAME_MAX) throw invalidField(field, `Must be between 1 and ${CHANNEL_NAME_MAX} characters long.`);
  if (CONTROL_CHARACTERS.test(name)) throw invalidField(field, "Must not contain control characters.");
  return name;
};

/** A topic is at most 1024 characters on a text channel, 4096 on a forum, and no other channel has one; null or blank clears it. */
export const normalizeTopic = (type: GuildChannelType, raw: string | null, field = "topic"): string | null => {
  const topic = raw?.trim() ?? "";
  if (topic === "") return null;
  if (type !== ChannelType.GUILD_TEXT && type !== ChannelType.GUILD_FORUM) throw invalidField(field, "Only text and forum channels have a topic.");
  const max = type === ChannelType.GUILD_FORUM ? FORUM_TOPIC_MAX : TOPIC_MAX;
  if (topic.length > max) throw invalidField(field, `Must be at most ${max} characters long.`);
  return topic;
};

/** A user limit is an integer of 0 (unlimited) to 99, and only a voice channel may have a non-zero one. */
export const normalizeUserLimit = (type: GuildChannelType, limit: number, field = "user_limit"): number => {
  if (!Number.isInteger(limit) || limit < 0 || limit > USER_LIMIT_MAX) throw invalidField(field, `Must be an integer between 0 and ${USER_LIMIT_MAX}.`);
  if (limit !== 0 && type !== ChannelType.GUILD_VOICE) throw invalidField(field, "Only voice channels have a user limit.");
  return limit;
};

/** A video quality mode is 1 (auto) or 2 (full), and only a voice channel may have 2. */
export const normalizeVideoQualityMode = (type: GuildChannelType, mode: number, field = "video_quality_mode"): VideoQualityMode => {
  if (mode !== VideoQualityMode.AUTO && mode !== VideoQualityMode.FULL) throw invalidField(field, "Must be 1 (auto) or 2 (full).");
  if (mode !== VideoQualityMode.AUTO && type !== ChannelType.GUILD_VOICE) throw invalidField(field, "Only voice channels have a video quality mode.");
  return mode;
};

/** Slow mode is 0 (off) to 21600 seconds (6 hours), and only a text channel (on messages) or a forum (on posts) may have it on. */
export const normalizeRateLimitPerUser = (type: GuildChannelType, seconds: number, field = "rate_limit_per_user"): number => {
  const checked = checkRateLimitPerUser(seconds, field);
  if (checked !== 0 && type !== ChannelType.GUILD_TEXT && type !== ChannelType.GUILD_FORUM) throw invalidField(field, "Only text and forum channels have a slow mode.");
  return checked;
};

export const checkPosition = (position: number, field = "position"): number => {
  if (!Number.isInteger(position) || position < 0) throw invalidField(field, "Must be an integer of at least 0.");
  return position;
};

/** A parent must be a category of the same guild, and a category cannot have one. */
export const checkParent = (type: GuildChannelType, guildId: Snowflake, parent: Channel | null, field = "parent_id"): void => {
  if (type === ChannelType.GUILD_CATEGORY) throw invalidField(field, "A category cannot have a parent.");
  if (!parent || !isGuildChannel(parent) || parent.guildId !== guildId || parent.type !== ChannelType.GUILD_CATEGORY) {
    throw invalidField(field, "Must be a category of the same guild.");
  }
};

/** Refuses one more channel in a guild that already has `count`. */
export const checkChannelCount = (count: number): void => {
  if (count >= MAX_CHANNELS_PER_GUILD) {
    throw new DomainError(ErrorCode.LIMIT_REACHED, `Maximum number of guild channels reached (${MAX_CHANNELS_PER_GUILD}).`);
  }
};

/** The two users of a DM, lower id first: the key that makes A→B and B→A the same channel. */
export const dmPair = (a: Snowflake, b: Snowflake): [Snowflake, Snowflake] => (BigInt(a) < BigInt(b) ? [a, b] : [b, a]);

/** Display order: by position, then by age. */
export const byPosition = <C extends GuildChannel>(channels: readonly C[]): C[] =>
  [...channels].sort((a, b) => a.position - b.position || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));

/** The channels every new guild starts with: `general` (text) and `General` (voice). */
export const defaultGuildChannels = (guildId: Snowflake, nextId: () => Snowflake): GuildChannel[] => {
  const base = { guildId, parentId: null, topic: null, userLimit: 0, rateLimitPerUser: 0, overwrites: [], lastMessageId: null };
  return [
    { ...base, id: nextId(), type: ChannelType.GUILD_TEXT, name: "general", position: 0 },
    { ...base, id: nextId(), type: ChannelType.GUILD_VOICE, name: "General", position: 1 },
  ];
};
