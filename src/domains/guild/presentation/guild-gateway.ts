import { type Delivery, type DispatchRule, type DispatchRules, FORWARD, type ReadyContributor, forwardToAll, type Viewer } from "../../../shared/gateway/gateway-ports";
import { type Topic, topics } from "../../../shared/kernel/domain-event";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { BanAdded, BanRemoved, GuildEvent, InviteCreated, InviteDeleted } from "../domain/guild-events";
import { fullGuildPayload } from "../domain/guild-payloads";
import type { GuildUseCases } from "../application/guild-use-cases";

export interface GuildGatewayDeps {
  readonly useCases: Pick<GuildUseCases, "getGuild">;
  /** The viewer's guilds, as READY's contributors share them. */
  readonly guildsOf: (viewer: Viewer) => Promise<readonly { readonly id: Snowflake }[]>;
  readonly memberCount: (guildId: Snowflake) => Promise<number>;
  /** Guild-wide permissions of a user (0 for non-members). */
  readonly guildPermissions: (userId: Snowflake, guildId: Snowflake) => Promise<bigint>;
  /** The user's permissions in a channel (0 when they cannot see it). */
  readonly channelPermissions: (userId: Snowflake, channelId: Snowflake) => Promise<bigint> | bigint;
}

/** GUILD_CREATE as the viewer sees it: roles, the channels they can view, and the member count. */
const guildCreate = async (deps: GuildGatewayDeps, userId: Snowflake, guildId: Snowflake) => {
  const [view, memberCount] = await Promise.all([deps.useCases.getGuild(userId, guildId), deps.memberCount(guildId)]);
  return { ...fullGuildPayload(view.guild, view.roles, view.channels), member_count: memberCount };
};

/**
 * The guild part of the gateway. READY carries every guild of the user (roles, visible channels, member count)
 * and subscribes the session to each guild's topic; joining or creating a guild sends GUILD_CREATE and subscribes,
 * leaving, being kicked or banned, or the guild's deletion sends GUILD_DELETE and unsubscribes.
 */
export const guildGateway = (deps: GuildGatewayDeps) => {
  const ready: ReadyContributor = async (viewer) => {
    const guilds = await deps.guildsOf(viewer);
    return {
      guilds: await Promise.all(guilds.map((guild) => guildCreate(deps, viewer.userId, guild.id))),
      topics: guilds.map((guild) => topics.guild(guild.id)),
    };
  };

  const joined = async (userId: Snowflake, guildId: Snowflake): Promise<Delivery> => ({
    dispatches: [{ t: "GUILD_CREATE", d: await guildCreate(deps, userId, guildId) }],
    subscribe: [topics.guild(guildId)],
  });
  const left = (guildId: Snowflake): Delivery => ({
    dispatches: [{ t: "GUILD_DELETE", d: { id: guildId } }],
    unsubscribe: [topics.guild(guildId) as Topic],
  });

  /** Only to members holding `permission` guild-wide. */
  const withGuildPermission =
    (permission: bigint): DispatchRule<BanAdded | BanRemoved> =>
    async ({ data }, viewer) =>
      hasPermission(await deps.guildPermissions(viewer.userId, data.guild_id), permission) ? FORWARD : null;

  // Invites are for those who manage them: MANAGE_GUILD, or MANAGE_CHANNELS on the invite's channel.
  const managesInvites: DispatchRule<InviteCreated | InviteDeleted> = async ({ data }, viewer) =>
    hasPermission(await deps.guildPermissions(viewer.userId, data.guild_id), Permission.MANAGE_GUILD) ||
    hasPermission(await deps.channelPermissions(viewer.userId, data.channel_id), Permission.MANAGE_CHANNELS)
      ? FORWARD
      : null;

  const rules: DispatchRules<GuildEvent> = {
    // Also on the owner's topic: their sessions are not listening to the new guild yet.
    SERVER_CREATED: ({ data }, viewer) => (data.owner_id === viewer.userId ? joined(viewer.userId, data.guild_id) : null),
    SERVER_UPDATED: forwardToAll,
    SERVER_DELETED: ({ data }) => left(data.guild_id),
    MEMBER_ADDED: ({ data }, viewer) => (data.user.id === viewer.userId ? joined(viewer.userId, data.guild_id) : FORWARD),
    MEMBER_UPDATED: forwardToAll,
    MEMBER_REMOVED: ({ data }, viewer) => (data.user.id === viewer.userId ? left(data.guild_id) : FORWARD),
    BAN_ADDED: withGuildPermission(Permission.BAN_MEMBERS),
    BAN_REMOVED: withGuildPermission(Permission.BAN_MEMBERS),
    ROLE_CREATED: forwardToAll,
    ROLE_UPDATED: forwardToAll,
    ROLE_DELETED: forwardToAll,
    INVITE_CREATED: managesInvites,
    INVITE_DELETED: managesInvites,
  };

  return { ready, rules };
};
