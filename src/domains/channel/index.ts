/*
 * The channel domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Guild channels and DMs, their permission overwrites,
 * and the answer every other domain asks of it: what may this user do in this channel.
 */

// The module, wired, and its gateway part.
export { type ChannelModule, createChannelModule } from "./presentation/channel-module";
export { channelDispatchRules, channelReady, threadListSync, threadsForGuildCreate } from "./presentation/channel-gateway";
export { startThreadArchiver } from "./application/archive-threads";
export { type ChannelVisibility, createChannelVisibility } from "./presentation/channel-visibility";

// Permissions in a channel: the resolvers (from facts an adapter reads), the node's cache, and the checks.
export { type PermissionChanges, createPermissionCache } from "./application/permission-cache";
export { FactsPermissionResolver } from "./application/facts-permission-resolver";
export { FactsGuildAccess } from "./application/facts-guild-access";
export { memberStanding, requirePermission, viewChannel } from "./application/channel-access";
export { enforceSlowMode } from "./application/slow-mode";
export type { GuildAccess } from "./domain/guild-access";
export type { PermissionResolver, ResolvedChannel } from "./domain/permission-resolver";
export { ChannelType, isGuildChannel, isThread } from "./domain/channel";

// Events.
export type { ChannelCreated, ChannelDeleted, ChannelEvent, ChannelUpdated } from "./domain/channel-events";
export type { ThreadEvent, ThreadPayload } from "./domain/thread-events";
export type { ForumStarter, ForumStarterRequest, StarterMessageUpdate } from "./application/starter-messages";
export type { ForumPost } from "./application/start-forum-post";

// Wire schemas other domains' routes and the AsyncAPI document embed.
export { ChannelBody, ChannelParams, channelFailures } from "./presentation/channel-schemas";
export { ThreadMemberBody } from "./presentation/thread-schemas";
