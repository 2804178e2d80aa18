import { AuditLogEvent, auditEntry } from "../../../shared/kernel/audit-log";
import { createdChannelChanges } from "../domain/channel-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { checkFields } from "../../../shared/kernel/field-checks";
import {
  ChannelType,
  type GuildChannel,
  VideoQualityMode,
  checkChannelCount,
  checkGuildChannelType,
  checkParent,
  checkPosition,
  normalizeChannelName,
  normalizeRateLimitPerUser,
  normalizeTopic,
  normalizeUserLimit,
  normalizeVideoQualityMode,
} from "../domain/channel";
import { channelCreated } from "../domain/channel-events";
import { type OverwriteInput, changedBits, parseOverwrites } from "../domain/overwrite";
import type { ChannelDeps } from "./channel-deps";
import { memberStanding, requirePermission } from "./channel-access";
import { checkGrantable, checkTargetsInBody } from "./overwrite-rules";
import { type ForumSettingsInput, applyForumSettings } from "./forum-settings";
import { DEFAULT_FORUM_SETTINGS } from "../domain/forum";

/** Forum fields apply to forums (type 15) only; other channels ignore them, as before forums existed. */
export interface CreateChannelInput extends ForumSettingsInput {
  readonly name: string;
  readonly type: number;
  readonly parentId?: Snowflake | null;
  readonly topic?: string | null;
  /** Voice channels only; 0 (the default) is unlimited. */
  readonly userLimit?: number;
  /** Text channels only: slow mode in seconds; 0 (the default) is off. */
  readonly rateLimitPerUser?: number | null;
  /** Voice channels only; 1 (auto, the default) or 2 (full). */
  readonly videoQualityMode?: number;
  readonly position?: number;
  readonly overwrites?: readonly OverwriteInput[];
}

/**
 * Creates a text, voice, forum or category channel (CHANNEL_CREATE); MANAGE_CHANNELS. A parent must be a category of the
 * same guild; overwrites must target its roles or members and only touch bits the caller holds. At most 500.
 */
export const createChannel =
  (deps: Pick<ChannelDeps, "guilds" | "channels" | "unitOfWork" | "ids">) =>
  async (userId: Snowflake, guildId: Snowflake, input: CreateChannelInput, reason?: string): Promise<GuildChannel> => {
    const standing = await memberStanding(deps, guildId, userId);
    requirePermission(standing.permissions, "MANAGE_CHANNELS", standing.withheld);
    const type = checkGuildChannelType(input.type);
    const fields = checkFields({
      name: () => normalizeChannelName(type, input.name),
      topic: () => normalizeTopic(type, input.topic ?? null),
      userLimit: () => normalizeUserLimit(type, input.userLimit ?? 0),
      rateLimitPerUser: () => normalizeRateLimitPerUser(type, input.rateLimitPerUser ?? 0),
      videoQualityMode: () => normalizeVideoQualityMode(type, input.videoQualityMode ?? VideoQualityMode.AUTO),
      position: () => (input.position === undefined ? undefined : checkPosition(input.position)),
      overwrites: () => parseOverwrites(input.overwrites ?? []),
    });
    const forum = type === ChannelType.GUILD_FORUM ? await applyForumSettings(deps, guildId, DEFAULT_FORUM_SETTINGS, input) : undefined;
    const parentId = input.parentId ?? null;
    if (parentId !== null) checkParent(type, guildId, await deps.channels.find(parentId));
    checkGrantable(standing.permissions, changedBits([], fields.overwrites));
    await checkTargetsInBody(deps, guildId, fields.overwrites);
    const existing = await deps.channels.listByGuild(guildId);
    checkChannelCount(existing.length);
    const channel: GuildChannel = {
      id: deps.ids.next(),
      type,
      guildId,
      name: fields.name,
      position: fields.position ?? existing.reduce((last, other) => Math.max(last, other.position + 1), 0),
      parentId,
      topic: fields.topic,
      userLimit: fields.userLimit,
      rateLimitPerUser: fields.rateLimitPerUser,
      ...(type === ChannelType.GUILD_VOICE ? { videoQualityMode: fields.videoQualityMode } : {}),
      ...(forum ? { forum } : {}),
      overwrites: fields.overwrites,
      lastMessageId: null,
    };
    await deps.unitOfWork(async (repositories) => {
      await repositories.channels.insert(channel);
      await repositories.record([channelCreated(channel)]);
      await repositories.audit([auditEntry({ userId, reason }, guildId, AuditLogEvent.CHANNEL_CREATE, { targetId: channel.id, changes: createdChannelChanges(channel) })]);
    });
    return channel;
  };
