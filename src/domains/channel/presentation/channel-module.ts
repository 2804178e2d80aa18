import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type RouteSettings, mountRoutes, routeDeps } from "../../../shared/presentation/route-kit";
import type { ChannelDeps } from "../application/channel-deps";
import { channelUseCases } from "../application/channel-use-cases";
import { type Channel, guildOf, isDm } from "../domain/channel";
import { channelPayload } from "../domain/channel-events";
import { threadPayload } from "../domain/thread-events";
import { channelRoutes } from "./channel-routes";
import { dmRoutes } from "./dm-routes";
import { guildChannelRoutes } from "./guild-channel-routes";
import { threadRoutes } from "./thread-routes";
import type { ForumMessageSchemas } from "./thread-schemas";


/** The adapters app.ts builds for the channel domain, plus the auth plugin and rate-limit settings. */
export interface ChannelModuleDeps extends ChannelDeps, RouteSettings {
  /** The message domain's schemas of a forum post's first message. */
  readonly forumMessage: ForumMessageSchemas;
}

/** What an invite shows of a channel. */
const inviteChannel = (channel: Channel) => ({
  id: channel.id,
  type: channel.type,
  guildId: guildOf(channel),
  name: isDm(channel) ? null : channel.name,
});

/**
 * The channel domain, wired: its REST routes (mount under /api/v1), the permission resolver (the hot path other
 * domains ask before every message operation), and the channel reads the guild module takes as its GuildChannels.
 */
export const createChannelModule = (deps: ChannelModuleDeps) => {
  const useCases = channelUseCases(deps);
  const routes = routeDeps(useCases, deps);
  return {
    routes: mountRoutes(routes, guildChannelRoutes, channelRoutes, dmRoutes, threadRoutes(deps.forumMessage)),
    useCases,
    /** `forChannel(userId, channelId)` → `{ channel, guildId, permissions }` in one database round trip. */
    permissions: deps.permissions,
    /** The threads among these ids as Discord's channel objects, in one query: the `thread` of starter messages. */
    threadsByIds: async (ids: readonly Snowflake[]) => (await deps.threads.findMany(ids)).map(threadPayload),
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
