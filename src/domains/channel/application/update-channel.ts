import { channelUpdateEntries } from "../domain/channel-audit";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { invalidField } from "../../../shared/kernel/domain-error";
import { checkFields } from "../../../shared/kernel/field-checks";
import {
  type Channel,
  ChannelType,
  type GuildChannel,
  checkParent,
  checkPosition,
  isThread,
  normalizeChannelName,
  normalizeRateLimitPerUser,
  normalizeTopic,
  normalizeUserLimit,
  normalizeVideoQualityMode,
} from "../domain/channel";
import { channelPayload, channelUpdated } from "../domain/channel-events";
import { type OverwriteInput, changedBits, parseOverwrites } from "../domain/overwrite";
import type { ChannelDeps } from "./channel-deps";
import { manageChannel, requirePermission, viewChannel } from "./channel-access";
import { type UpdateThreadInput, updateThread } from "./update-thread";
import { checkGrantable, checkTargetsInBody } from "./overwrite-rules";
import { type ForumSettingsInput, applyForumSettings } from "./forum-settings";
import { DEFAULT_FORUM_SETTINGS } from "../domain/forum";

/** Fields left undefined stay as they are; null clears topic or parent; overwrites replace the whole list. */
export interface UpdateChannelInput extends UpdateThreadInput, ForumSettingsInput {
  /** Discord's libraries may send the channel's type back; only its current type is accepted (a type never changes). */
  readonly type?: number;
  readonly name?: string;
  readonly topic?: string | null;
  readonly userLimit?: number;
  readonly videoQualityMode?: number;
  readonly position?: number;
  readonly parentId?: Snowflake | null;
  readonly overwrites?: readonly OverwriteInput[];
}

/**
 * Edits a guild channel (CHANNEL_UPDATE); MANAGE_CHANNELS in it. Replacing its overwrites also needs MANAGE_ROLES
 * there, and the bits that change must be ones the caller holds.
 */
export const updateChannel =
  (deps: Pick<ChannelDeps, "permissions" | "guilds" | "channels" | "unitOfWork" | "clock" | "threads" | "ids">) =>
  async (userId: Snowflake, channelId: Snowflake, input: UpdateChannelInput, reason?: string): Promise<Channel> => {
    // A thread has its own rules and fields (update-thread.ts).
    if (isThread((await viewChannel(deps, userId, channelId)).channel)) return updateThread(deps)(userId, channelId, input, reason);
    const { channel, permissions } = await manageChannel(deps, userId, channelId, "MANAGE_CHANNELS");
    const fields = checkFields({
      type: () => {
        if (input.type !== undefined && input.type !== channel.type) throw invalidField("type", "A channel's type cannot be changed.");
      },
      name: () => (input.name === undefined ? undefined : normalizeChannelName(channel.type, input.name)),
      topic: () => (input.topic === undefined ? undefined : normalizeTopic(channel.type, input.topic)),
      userLimit: () => (input.userLimit === undefined ? undefined : normalizeUserLimit(channel.type, input.userLimit)),
      rateLimitPerUser: () => (input.rateLimitPerUser === undefined || input.rateLimitPerUser === null ? undefined : normalizeRateLimitPerUser(channel.type, input.rateLimitPerUser)),
      videoQualityMode: () => (input.videoQualityMode === undefined ? undefined : normalizeVideoQualityMode(channel.type, input.videoQualityMode)),
      position: () => (input.position === undefined ? undefined : checkPosition(input.position)),
      overwrites: () => (input.overwrites === undefined ? undefined : parseOverwrites(input.overwrites)),
    });
    const forum = channel.type === ChannelType.GUILD_FORUM ? await applyForumSettings(deps, channel.guildId, channel.forum ?? DEFAULT_FORUM_SETTINGS, input) : undefined;
    const parentId = input.parentId === undefined ? channel.parentId : input.parentId;
    if (parentId !== null && parentId !== channel.parentId) {
      checkParent(channel.type, channel.guildId, await deps.channels.find(parentId));
    }
    if (fields.overwrites !== undefined) {
      requirePermission(permissions, "MANAGE_ROLES");
      checkGrantable(permissions, changedBits(channel.overwrites, fields.overwrites));
      await checkTargetsInBody(deps, channel.guildId, fields.overwrites);
    }
    const updated: GuildChannel = {
      ...channel,
      name: fields.name ?? channel.name,
      topic: fields.topic === undefined ? channel.topic : fields.topic,
      userLimit: fields.userLimit ?? channel.userLimit,
      rateLimitPerUser: fields.rateLimitPerUser ?? channel.rateLimitPerUser,
      ...(channel.type === ChannelType.GUILD_VOICE ? { videoQualityMode: fields.videoQualityMode ?? channel.videoQualityMode } : {}),
      ...(forum ? { forum } : {}),
      position: fields.position ?? channel.position,
      parentId,
      overwrites: fields.overwrites ?? channel.overwrites,
    };
    if (JSON.stringify(channelPayload(updated)) === JSON.stringify(channelPayload(channel))) return channel;
    await deps.unitOfWork(async (repositories) => {
      await repositories.channels.update([updated]);
      if (fields.overwrites !== undefined) await repositories.channels.replaceOverwrites(channel.id, fields.overwrites);
      await repositories.record([channelUpdated(updated)]);
      await repositories.audit(channelUpdateEntries({ userId, reason }, channel, updated));
    });
    return updated;
  };
