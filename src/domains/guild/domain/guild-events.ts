import { type NewDomainEvent, topics } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Guild } from "./guild";
import type { ChannelPayload } from "./guild-channels";
import {
  type GuildPayload,
  type InvitePayload,
  type MemberPayload,
  type RolePayload,
  fullGuildPayload,
  guildPayload,
  rolePayload,
} from "./guild-payloads";
import type { Role } from "./role";
import type { UserPayload } from "../../../shared/kernel/users";

type WithGuild<T> = T & { readonly guild_id: Snowflake };

/*
 * Event data is the API object plus `guild_id`. Everything goes to `guild:<id>`, where the gateway filters by
 * permission; events that start or end a user's membership also go to `user:<id>`, since that user's sessions
 * are not (or no longer) listening to the guild. SERVER_* are the seed names the gateway maps to GUILD_*.
 */
export type ServerCreated = NewDomainEvent<"SERVER_CREATED", WithGuild<GuildPayload & { channels: ChannelPayload[] }>>;
export type ServerUpdated = NewDomainEvent<"SERVER_UPDATED", WithGuild<GuildPayload>>;
export type ServerDeleted = NewDomainEvent<"SERVER_DELETED", WithGuild<{ id: Snowflake }>>;
export type GuildMemberAdd = NewDomainEvent<"GUILD_MEMBER_ADD", WithGuild<MemberPayload>>;
export type GuildMemberUpdate = NewDomainEvent<"GUILD_MEMBER_UPDATE", WithGuild<MemberPayload>>;
export type GuildMemberRemove = NewDomainEvent<"GUILD_MEMBER_REMOVE", WithGuild<{ user: UserPayload }>>;
/** `delete_message_seconds` is for the message domain, which deletes that much of the user's recent history. */
export type GuildBanAdd = NewDomainEvent<"GUILD_BAN_ADD", WithGuild<{ user: UserPayload; delete_message_seconds: number }>>;
export type GuildBanRemove = NewDomainEvent<"GUILD_BAN_REMOVE", WithGuild<{ user: UserPayload }>>;
export type GuildRoleCreate = NewDomainEvent<"GUILD_ROLE_CREATE", WithGuild<{ role: RolePayload }>>;
export type GuildRoleUpdate = NewDomainEvent<"GUILD_ROLE_UPDATE", WithGuild<{ role: RolePayload }>>;
export type GuildRoleDelete = NewDomainEvent<"GUILD_ROLE_DELETE", WithGuild<{ role_id: Snowflake }>>;
export type InviteCreate = NewDomainEvent<"INVITE_CREATE", WithGuild<InvitePayload & { channel_id: Snowflake }>>;
export type InviteDelete = NewDomainEvent<"INVITE_DELETE", WithGuild<{ code: string; channel_id: Snowflake }>>;

export type GuildEvent =
  | ServerCreated
  | ServerUpdated
  | ServerDeleted
  | GuildMemberAdd
  | GuildMemberUpdate
  | GuildMemberRemove
  | GuildBanAdd
  | GuildBanRemove
  | GuildRoleCreate
  | GuildRoleUpdate
  | GuildRoleDelete
  | InviteCreate
  | InviteDelete;

export const serverCreated = (guild: Guild, roles: readonly Role[], channels: readonly ChannelPayload[]): ServerCreated => ({
  type: "SERVER_CREATED",
  topics: [topics.guild(guild.id), topics.user(guild.ownerId)],
  data: { ...fullGuildPayload(guild, roles, channels), guild_id: guild.id },
});

export const serverUpdated = (guild: Guild, roles: readonly Role[]): ServerUpdated => ({
  type: "SERVER_UPDATED",
  topics: [topics.guild(guild.id)],
  data: { ...guildPayload(guild, roles), guild_id: guild.id },
});

export const serverDeleted = (guildId: Snowflake): ServerDeleted => ({
  type: "SERVER_DELETED",
  topics: [topics.guild(guildId)],
  data: { id: guildId, guild_id: guildId },
});

export const memberAdded = (guildId: Snowflake, member: MemberPayload): GuildMemberAdd => ({
  type: "GUILD_MEMBER_ADD",
  topics: [topics.guild(guildId), topics.user(member.user.id)],
  data: { ...member, guild_id: guildId },
});

export const memberUpdated = (guildId: Snowflake, member: MemberPayload): GuildMemberUpdate => ({
  type: "GUILD_MEMBER_UPDATE",
  topics: [topics.guild(guildId)],
  data: { ...member, guild_id: guildId },
});

export const memberRemoved = (guildId: Snowflake, user: UserPayload): GuildMemberRemove => ({
  type: "GUILD_MEMBER_REMOVE",
  topics: [topics.guild(guildId), topics.user(user.id)],
  data: { user, guild_id: guildId },
});

export const banAdded = (guildId: Snowflake, user: UserPayload, deleteMessageSeconds: number): GuildBanAdd => ({
  type: "GUILD_BAN_ADD",
  topics: [topics.guild(guildId)],
  data: { user, delete_message_seconds: deleteMessageSeconds, guild_id: guildId },
});

export const banRemoved = (guildId: Snowflake, user: UserPayload): GuildBanRemove => ({
  type: "GUILD_BAN_REMOVE",
  topics: [topics.guild(guildId)],
  data: { user, guild_id: guildId },
});

export const roleCreated = (role: Role): GuildRoleCreate => ({
  type: "GUILD_ROLE_CREATE",
  topics: [topics.guild(role.guildId)],
  data: { role: rolePayload(role), guild_id: role.guildId },
});

export const roleUpdated = (role: Role): GuildRoleUpdate => ({
  type: "GUILD_ROLE_UPDATE",
  topics: [topics.guild(role.guildId)],
  data: { role: rolePayload(role), guild_id: role.guildId },
});

export const roleDeleted = (guildId: Snowflake, roleId: Snowflake): GuildRoleDelete => ({
  type: "GUILD_ROLE_DELETE",
  topics: [topics.guild(guildId)],
  data: { role_id: roleId, guild_id: guildId },
});

export const inviteCreated = (guildId: Snowflake, invite: InvitePayload): InviteCreate => ({
  type: "INVITE_CREATE",
  topics: [topics.guild(guildId)],
  data: { ...invite, channel_id: invite.channel.id, guild_id: guildId },
});

export const inviteDeleted = (guildId: Snowflake, code: string, channelId: Snowflake): InviteDelete => ({
  type: "INVITE_DELETE",
  topics: [topics.guild(guildId)],
  data: { code, channel_id: channelId, guild_id: guildId },
});
