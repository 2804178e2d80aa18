import type { AuditLogEntryCreated } from "../../../shared/kernel/audit-log";
import { type DomainEvent, type Unrecorded, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Guild } from "./guild";
import type { ChannelPayload } from "./guild-channels";
import type { Emoji } from "./emoji";
import {
  type EmojiPayload,
  type GuildPayload,
  type InvitePayload,
  type MemberPayload,
  type RolePayload,
  fullGuildPayload,
  emojiPayload,
  guildPayload,
  rolePayload,
} from "./guild-payloads";
import type { Role } from "./role";
import type { UserPayload } from "../../../shared/kernel/users";

type WithGuild<T> = T & { readonly guild_id: Snowflake };

/*
 * Event data is the API object plus `guild_id`. Everything goes to `guild:<id>`, where the gateway filters by
 * permission; events that start or end a user's membership also go to `user:<id>`, since that user's sessions
 * are not (or no longer) listening to the guild.
 */
export type ServerCreated = DomainEvent<"SERVER_CREATED", WithGuild<GuildPayload & { channels: ChannelPayload[] }>>;
export type ServerUpdated = DomainEvent<"SERVER_UPDATED", WithGuild<GuildPayload>>;
export type ServerDeleted = DomainEvent<"SERVER_DELETED", WithGuild<{ id: Snowflake }>>;
export type MemberAdded = DomainEvent<"MEMBER_ADDED", WithGuild<MemberPayload>>;
export type MemberUpdated = DomainEvent<"MEMBER_UPDATED", WithGuild<MemberPayload>>;
export type MemberRemoved = DomainEvent<"MEMBER_REMOVED", WithGuild<{ user: UserPayload }>>;
/** `delete_message_seconds` is for the message domain, which deletes that much of the user's recent history. */
export type BanAdded = DomainEvent<"BAN_ADDED", WithGuild<{ user: UserPayload; delete_message_seconds: number }>>;
export type BanRemoved = DomainEvent<"BAN_REMOVED", WithGuild<{ user: UserPayload }>>;
export type RoleCreated = DomainEvent<"ROLE_CREATED", WithGuild<{ role: RolePayload }>>;
export type RoleUpdated = DomainEvent<"ROLE_UPDATED", WithGuild<{ role: RolePayload }>>;
export type RoleDeleted = DomainEvent<"ROLE_DELETED", WithGuild<{ role_id: Snowflake }>>;
export type InviteCreated = DomainEvent<"INVITE_CREATED", WithGuild<InvitePayload & { channel_id: Snowflake }>>;
export type InviteDeleted = DomainEvent<"INVITE_DELETED", WithGuild<{ code: string; channel_id: Snowflake }>>;
/** Every emoji of the guild after one was created, edited or deleted, as Discord's GUILD_EMOJIS_UPDATE has them. */
export type EmojisUpdated = DomainEvent<"EMOJIS_UPDATED", WithGuild<{ emojis: EmojiPayload[] }>>;

export type GuildEvent =
  | ServerCreated
  | ServerUpdated
  | ServerDeleted
  | MemberAdded
  | MemberUpdated
  | MemberRemoved
  | BanAdded
  | BanRemoved
  | RoleCreated
  | RoleUpdated
  | RoleDeleted
  | InviteCreated
  | InviteDeleted
  | EmojisUpdated
  /** Written by every domain's unit of work (shared/kernel/audit-log.ts); the guild domain dispatches it. */
  | AuditLogEntryCreated;

export const serverCreated = (guild: Guild, roles: readonly Role[], channels: readonly ChannelPayload[]): Unrecorded<ServerCreated> => ({
  type: "SERVER_CREATED",
  topics: [topics.guild(guild.id), topics.user(guild.ownerId)],
  data: { ...fullGuildPayload(guild, roles, channels), guild_id: guild.id },
});

export const serverUpdated = (guild: Guild, roles: readonly Role[]): Unrecorded<ServerUpdated> => ({
  type: "SERVER_UPDATED",
  topics: [topics.guild(guild.id)],
  data: { ...guildPayload(guild, roles), guild_id: guild.id },
});

export const serverDeleted = (guildId: Snowflake): Unrecorded<ServerDeleted> => ({
  type: "SERVER_DELETED",
  topics: [topics.guild(guildId)],
  data: { id: guildId, guild_id: guildId },
});

export const memberAdded = (guildId: Snowflake, member: MemberPayload): Unrecorded<MemberAdded> => ({
  type: "MEMBER_ADDED",
  topics: [topics.guild(guildId), topics.user(member.user.id)],
  data: { ...member, guild_id: guildId },
});

export const memberUpdated = (guildId: Snowflake, member: MemberPayload): Unrecorded<MemberUpdated> => ({
  type: "MEMBER_UPDATED",
  topics: [topics.guild(guildId)],
  data: { ...member, guild_id: guildId },
});

export const memberRemoved = (guildId: Snowflake, user: UserPayload): Unrecorded<MemberRemoved> => ({
  type: "MEMBER_REMOVED",
  topics: [topics.guild(guildId), topics.user(user.id)],
  data: { user, guild_id: guildId },
});

export const banAdded = (guildId: Snowflake, user: UserPayload, deleteMessageSeconds: number): Unrecorded<BanAdded> => ({
  type: "BAN_ADDED",
  topics: [topics.guild(guildId)],
  data: { user, delete_message_seconds: deleteMessageSeconds, guild_id: guildId },
});

export const banRemoved = (guildId: Snowflake, user: UserPayload): Unrecorded<BanRemoved> => ({
  type: "BAN_REMOVED",
  topics: [topics.guild(guildId)],
  data: { user, guild_id: guildId },
});

export const roleCreated = (role: Role): Unrecorded<RoleCreated> => ({
  type: "ROLE_CREATED",
  topics: [topics.guild(role.guildId)],
  data: { role: rolePayload(role), guild_id: role.guildId },
});

export const roleUpdated = (role: Role): Unrecorded<RoleUpdated> => ({
  type: "ROLE_UPDATED",
  topics: [topics.guild(role.guildId)],
  data: { role: rolePayload(role), guild_id: role.guildId },
});

export const roleDeleted = (guildId: Snowflake, roleId: Snowflake): Unrecorded<RoleDeleted> => ({
  type: "ROLE_DELETED",
  topics: [topics.guild(guildId)],
  data: { role_id: roleId, guild_id: guildId },
});

export const inviteCreated = (guildId: Snowflake, invite: InvitePayload): Unrecorded<InviteCreated> => ({
  type: "INVITE_CREATED",
  topics: [topics.guild(guildId)],
  data: { ...invite, channel_id: invite.channel.id, guild_id: guildId },
});

export const inviteDeleted = (guildId: Snowflake, code: string, channelId: Snowflake): Unrecorded<InviteDeleted> => ({
  type: "INVITE_DELETED",
  topics: [topics.guild(guildId)],
  data: { code, channel_id: channelId, guild_id: guildId },
});

export const emojisUpdated = (guildId: Snowflake, emojis: readonly Emoji[]): Unrecorded<EmojisUpdated> => ({
  type: "EMOJIS_UPDATED",
  topics: [topics.guild(guildId)],
  data: { emojis: emojis.map((emoji) => emojiPayload(emoji)), guild_id: guildId },
});
