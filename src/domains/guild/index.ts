/*
 * The guild domain's public face: all that other domains and the composition root may import of it (a layer test
 * holds every other import of the domain's files to this one). Guilds, members, roles, bans and invites.
 */

// The module, wired, and its gateway part.
export { type GuildModule, createGuildModule } from "./presentation/guild-module";
export { guildGateway, guildMemberDirectory } from "./presentation/guild-gateway";
export { startAuditLogRetention } from "./application/audit-log-retention";

// Events.
export type {
  BanAdded,
  BanRemoved,
  EmojisUpdated,
  GuildEvent,
  InviteCreated,
  InviteDeleted,
  MemberAdded,
  MemberRemoved,
  MemberUpdated,
  RoleCreated,
  RoleDeleted,
  RoleUpdated,
  ServerCreated,
  ServerDeleted,
  ServerUpdated,
} from "./domain/guild-events";

// Wire schemas other domains' routes and the AsyncAPI document embed.
export { EmojiBody, GuildBody, GuildParams, MemberBody, MemberParams, RoleBody, UNKNOWN_MEMBER } from "./presentation/guild-schemas";
export { InviteBody } from "./presentation/invite-schemas";
export { AuditLogEntryBody } from "./presentation/audit-log-routes";
