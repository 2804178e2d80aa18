import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Ban } from "./ban";
import type { Emoji } from "./emoji";
import type { Guild } from "./guild";
import type { ChannelPayload, InviteChannel } from "./guild-channels";
import type { Invite } from "./invite";
import type { Member } from "./member";
import { type Role, byRank, isManaged } from "./role";
import { type UserPayload, type UserProfile, userPayload } from "../../../shared/kernel/users";

/*
 * The wire shapes of API.md (snake_case, ISO dates, string bitfields). Events carry them as is, because the gateway
 * dispatches event data unchanged, and the routes answer with them.
 */

export interface RolePayload {
  readonly id: Snowflake;
  readonly name: string;
  readonly color: number;
  readonly position: number;
  readonly permissions: string;
  readonly hoist: boolean;
  readonly mentionable: boolean;
  /** True for a bot's managed role. */
  readonly managed: boolean;
  /** Discord's role tags: `bot_id` on a bot's managed role; absent otherwise. */
  readonly tags?: { readonly bot_id: Snowflake };
}

export interface MemberPayload {
  readonly user: UserPayload;
  readonly nick: string | null;
  readonly roles: Snowflake[];
  readonly joined_at: string;
}

export interface GuildPayload {
  readonly id: Snowflake;
  readonly name: string;
  readonly icon: string | null;
  readonly owner_id: Snowflake;
  readonly created_at: string;
  /** 0 none, 1 elevated (Discord's). */
  readonly mfa_level: number;
  readonly roles: RolePayload[];
}

export interface InvitePayload {
  readonly code: string;
  readonly guild: { id: Snowflake; name: string; icon: string | null };
  readonly channel: { id: Snowflake; name: string | null; type: number };
  readonly inviter: UserPayload;
  readonly uses: number;
  readonly max_uses: number;
  readonly max_age: number;
  readonly created_at: string;
  readonly expires_at: string | null;
}

/** Discord's emoji object; `user` (who uploaded it) only for those who manage or create expressions, on REST. */
export interface EmojiPayload {
  readonly id: Snowflake;
  readonly name: string;
  readonly roles: Snowflake[];
  readonly user?: UserPayload;
  readonly require_colons: true;
  readonly managed: false;
  readonly animated: boolean;
  readonly available: true;
}

export interface BanPayload {
  readonly user: UserPayload;
  readonly reason: string | null;
}

export const rolePayload = (role: Role): RolePayload => ({
  id: role.id,
  name: role.name,
  color: role.color,
  position: role.position,
  permissions: role.permissions.toString(),
  hoist: role.hoist,
  mentionable: role.mentionable,
  managed: isManaged(role),
  ...(role.botId ? { tags: { bot_id: role.botId } } : {}),
});

export const memberPayload = (member: Member, user: UserProfile): MemberPayload => ({
  user: userPayload(user),
  nick: member.nick,
  roles: [...member.roleIds],
  joined_at: member.joinedAt.toISOString(),
});

export const guildPayload = (guild: Guild, roles: readonly Role[]): GuildPayload => ({
  id: guild.id,
  name: guild.name,
  icon: guild.icon,
  owner_id: guild.ownerId,
  created_at: guild.createdAt.toISOString(),
  mfa_level: guild.mfaLevel,
  roles: byRank(roles).map(rolePayload),
});

export const emojiPayload = (emoji: Emoji, creator?: UserProfile): EmojiPayload => ({
  id: emoji.id,
  name: emoji.name,
  roles: [...emoji.roleIds],
  ...(creator ? { user: userPayload(creator) } : {}),
  require_colons: true,
  managed: false,
  animated: emoji.animated,
  available: true,
});

/** A guild with the channels a given user sees and its emoji, as GET /guilds/{id} and GUILD_CREATE show it. */
export const fullGuildPayload = (guild: Guild, roles: readonly Role[], channels: readonly ChannelPayload[], emojis: readonly Emoji[] = []) => ({
  ...guildPayload(guild, roles),
  channels: [...channels],
  emojis: emojis.map((emoji) => emojiPayload(emoji)),
});

export const invitePayload = (invite: Invite, guild: Guild, channel: InviteChannel, inviter: UserProfile): InvitePayload => ({
  code: invite.code,
  guild: { id: guild.id, name: guild.name, icon: guild.icon },
  channel: { id: channel.id, name: channel.name, type: channel.type },
  inviter: userPayload(inviter),
  uses: invite.uses,
  max_uses: invite.maxUses,
  max_age: invite.maxAge,
  created_at: invite.createdAt.toISOString(),
  expires_at: invite.expiresAt?.toISOString() ?? null,
});

export const banPayload = (ban: Ban, user: UserProfile): BanPayload => ({ user: userPayload(user), reason: ban.reason });
