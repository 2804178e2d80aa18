import { Elysia } from "elysia";
import type { Clock } from "../../../shared/kernel/clock";
import type { Snowflake, SnowflakeGenerator } from "../../../shared/kernel/snowflake";
import type { AuthPlugin } from "../../identity/presentation/auth-plugin";
import type { ChannelDeps } from "../application/channel-deps";
import { createChannel } from "../application/create-channel";
import { deleteChannel } from "../application/delete-channel";
import { listDms, openDm } from "../application/direct-messages";
import { getChannel } from "../application/get-channel";
import { listGuildChannels, visibleChannels } from "../application/list-guild-channels";
import { deleteOverwrite, putOverwrite } from "../application/overwrites";
import { reorderChannels } from "../application/reorder-channels";
import { updateChannel } from "../application/update-channel";
import { type Channel, isGuildChannel } from "../domain/channel";
import { channelPayload } from "../domain/channel-events";
import type { ChannelRepository } from "../domain/channel-repository";
import type { ChannelUnitOfWork } from "../domain/channel-unit-of-work";
import type { GuildAccess } from "../domain/guild-access";
import type { PermissionResolver } from "../domain/permission-resolver";
import type { UserDirectory } from "../../../shared/kernel/users";
import { channelRoutes } from "./channel-routes";
import { dmRoutes } from "./dm-routes";
import { guildChannelRoutes } from "./guild-channel-routes";

/** The adapters app.ts builds for the channel domain, plus the shared clock, ids and auth plugin. */
export interface ChannelModuleDeps {
  readonly unitOfWork: ChannelUnitOfWork;
  readonly channels: ChannelRepository;
  readonly permissions: PermissionResolver;
  readonly guilds: GuildAccess;
  /** Accounts, from the identity module. */
  readonly users: UserDirectory;
  readonly clock: Clock;
  readonly ids: SnowflakeGenerator;
  readonly auth: AuthPlugin;
}

const useCasesOf = (deps: ChannelDeps) => ({
  listGuildChannels: listGuildChannels(deps),
  visibleChannels: visibleChannels(deps),
  createChannel: createChannel(deps),
  reorderChannels: reorderChannels(deps),
  getChannel: getChannel(deps),
  updateChannel: updateChannel(deps),
  deleteChannel: deleteChannel(deps),
  putOverwrite: putOverwrite(deps),
  deleteOverwrite: deleteOverwrite(deps),
  openDm: openDm(deps),
  listDms: listDms(deps),
});

export type ChannelUseCases = ReturnType<typeof useCasesOf>;

/** What an invite shows of a channel. */
const inviteChannel = (channel: Channel) => ({
  id: channel.id,
  type: channel.type,
  guildId: isGuildChannel(channel) ? channel.guildId : null,
  name: isGuildChannel(channel) ? channel.name : null,
});

/**
 * The channel domain, wired: its REST routes (mount under /api/v1), the permission resolver (the hot path other
 * domains ask before every message operation), and the channel reads the guild module takes as its GuildChannels.
 */
export const createChannelModule = (deps: ChannelModuleDeps) => {
  const useCases = useCasesOf(deps);
  const { auth } = deps;
  return {
    routes: new Elysia()
      .use(guildChannelRoutes({ useCases, auth }))
      .use(channelRoutes({ useCases, auth }))
      .use(dmRoutes({ useCases, auth })),
    useCases,
    /** `forChannel(userId, channelId)` → `{ channel, guildId, permissions }` in one database round trip. */
    permissions: deps.permissions,
    /** The guild module's view of channels (its GuildChannels port). */
    forGuilds: {
      visibleTo: async (guildId: Snowflake, userId: Snowflake) =>
        (await useCases.visibleChannels(userId, guildId)).map((channel) => channelPayload(channel)),
      access: async (userId: Snowflake, channelId: Snowflake) => {
        const resolved = await deps.permissions.forChannel(userId, channelId);
        return resolved && { channel: inviteChannel(resolved.channel), permissions: resolved.permissions };
      },
      find: async (channelId: Snowflake) => {
        const channel = await deps.channels.find(channelId);
        return channel && inviteChannel(channel);
      },
    },
  };
};

export type ChannelModule = ReturnType<typeof createChannelModule>;
