import type { Delivery, DispatchRule, DispatchRules, ReadyContributor, Viewer } from "../../../shared/gateway/gateway-ports";
import { type Topic, topics } from "../../../shared/kernel/domain-event";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { fullGuildPayload } from "../domain/guild-payloads";
import type { GuildUseCases } from "./guild-module";

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

interface GuildEventData {
  readonly guild_id: Snowflake;
  readonly user?: { readonly id: Snowflake };
  readonly owner_id?: Snowflake;
  readonly channel_id?: Snowflake;
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

  const forward =
    (t: string): DispatchRule =>
    (event) => ({ dispatches: [{ t, d: event.data }] });

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
    (t: string, permission: bigint): DispatchRule =>
    async (event, viewer) => {
      const data = event.data as GuildEventData;
      return hasPermission(await deps.guildPermissions(viewer.userId, data.guild_id), permission) ? { dispatches: [{ t, d: data }] } : null;
    };

  const rules: DispatchRules = {
    // Also on the owner's topic: their sessions are not listening to the new guild yet.
    SERVER_CREATED: (event, viewer) => {
      const data = event.data as GuildEventData;
      return data.owner_id === viewer.userId ? joined(viewer.userId, data.guild_id) : null;
    },
    SERVER_UPDATED: forward("GUILD_UPDATE"),
    SERVER_DELETED: (event) => left((event.data as GuildEventData).guild_id),
    GUILD_MEMBER_ADD: (event, viewer) => {
      const data = event.data as GuildEventData;
      return data.user?.id === viewer.userId ? joined(viewer.userId, data.guild_id) : { dispatches: [{ t: "GUILD_MEMBER_ADD", d: data }] };
    },
    GUILD_MEMBER_UPDATE: forward("GUILD_MEMBER_UPDATE"),
    GUILD_MEMBER_REMOVE: (event, viewer) => {
      const data = event.data as GuildEventData;
      return data.user?.id === viewer.userId ? left(data.guild_id) : { dispatches: [{ t: "GUILD_MEMBER_REMOVE", d: data }] };
    },
    GUILD_BAN_ADD: withGuildPermission("GUILD_BAN_ADD", Permission.BAN_MEMBERS),
    GUILD_BAN_REMOVE: withGuildPermission("GUILD_BAN_REMOVE", Permission.BAN_MEMBERS),
    GUILD_ROLE_CREATE: forward("GUILD_ROLE_CREATE"),
    GUILD_ROLE_UPDATE: forward("GUILD_ROLE_UPDATE"),
    GUILD_ROLE_DELETE: forward("GUILD_ROLE_DELETE"),
    // Invites are for those who manage them: MANAGE_GUILD, or MANAGE_CHANNELS on the invite's channel.
    async INVITE_CREATE(event, viewer) {
      return (await managesInvites(event.data as GuildEventData, viewer.userId)) ? { dispatches: [{ t: "INVITE_CREATE", d: event.data }] } : null;
    },
    async INVITE_DELETE(event, viewer) {
      return (await managesInvites(event.data as GuildEventData, viewer.userId)) ? { dispatches: [{ t: "INVITE_DELETE", d: event.data }] } : null;
    },
  };

  const managesInvites = async (data: GuildEventData, userId: Snowflake) =>
    hasPermission(await deps.guildPermissions(userId, data.guild_id), Permission.MANAGE_GUILD) ||
    (data.channel_id !== undefined && hasPermission(await deps.channelPermissions(userId, data.channel_id), Permission.MANAGE_CHANNELS));

  return { ready, rules };
};
