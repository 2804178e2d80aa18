import {
  DEFAULT_LARGE_THRESHOLD,
  type Delivery,
  type DispatchRule,
  type DispatchRules,
  FORWARD,
  type GuildMemberDirectory,
  type MemberPayloadLike,
  type ReadyContributor,
  completeGuildCreate,
  forwardToAll,
  type Viewer,
} from "../../../shared/gateway/gateway-ports";
import { isDomainError } from "../../../shared/kernel/domain-error";
import { type Topic, topics } from "../../../shared/kernel/domain-event";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { AuditLogEntryCreated } from "../../../shared/kernel/audit-log";
import type { BanAdded, BanRemoved, GuildEvent, InviteCreated, InviteDeleted } from "../domain/guild-events";
import { fullGuildPayload, memberPayload } from "../domain/guild-payloads";
import type { GuildUseCases } from "../application/guild-use-cases";
import type { MemberView } from "../application/list-members";

export interface GuildGatewayDeps {
  readonly useCases: Pick<GuildUseCases, "getGuild" | "listMembers" | "getMember">;
  /** The viewer's guilds, as READY's contributors share them. */
  readonly guildsOf: (viewer: Viewer) => Promise<readonly { readonly id: Snowflake }[]>;
  readonly memberCount: (guildId: Snowflake) => Promise<number>;
  /** Guild-wide permissions of a user (0 for non-members). */
  readonly guildPermissions: (userId: Snowflake, guildId: Snowflake) => Promise<bigint>;
  /** The user's permissions in a channel (0 when they cannot see it). */
  readonly channelPermissions: (userId: Snowflake, channelId: Snowflake) => Promise<bigint> | bigint;
  /** The guild's active threads the user can see (the channel domain's), for READY's and GUILD_CREATE's `threads`. */
  readonly threadsOf?: (userId: Snowflake, guildId: Snowflake) => Promise<readonly unknown[]>;
}

/** GUILD_CREATE as the viewer sees it: roles, the channels and active threads they can view, and the member count. */
const guildCreate = async (deps: GuildGatewayDeps, userId: Snowflake, guildId: Snowflake) => {
  const [view, memberCount, threads] = await Promise.all([deps.useCases.getGuild(userId, guildId), deps.memberCount(guildId), deps.threadsOf?.(userId, guildId) ?? []]);
  return { ...fullGuildPayload(view.guild, view.roles, view.channels, view.emojis), member_count: memberCount, threads };
};


/** Members read per page when op 8 scans a guild. */
const PAGE = 1000;

/** A member as the gateway sends it: Discord's guild member object (XCord has no server mute, deafen or flags). */
const memberOnGateway = (view: MemberView) => ({ ...memberPayload(view.member, view.user), deaf: false, mute: false, flags: 0, pending: false });

/** Null instead of the error of a guild the viewer cannot see (UNKNOWN_GUILD, MISSING_ACCESS). */
const orNullIfRefused = async <T>(work: Promise<T>): Promise<T | null> => {
  try {
    return await work;
  } catch (error) {
    if (isDomainError(error)) return null;
    throw error;
  }
};

/**
 * The gateway's member lookups (op 8 and a bot's GUILD_CREATE), through the use cases that check membership.
 * A username query pages through the guild by user id: op 8 is rate limited per session, and a query returns at most
 * 100 members.
 */
export const guildMemberDirectory = (deps: Pick<GuildGatewayDeps, "useCases" | "memberCount">): GuildMemberDirectory => {
  const { listMembers, getMember } = deps.useCases;
  const scan = async (viewerId: Snowflake, guildId: Snowflake, keep: (view: MemberView) => boolean, limit: number) => {
    const found: MemberPayloadLike[] = [];
    for (let after: Snowflake | undefined; ; ) {
      const page = await listMembers(viewerId, guildId, { limit: PAGE, after });
      for (const view of page) {
        if (!keep(view)) continue;
        found.push(memberOnGateway(view));
        if (limit > 0 && found.length >= limit) return found;
      }
      if (page.length < PAGE) return found;
      after = page.at(-1)!.member.userId;
    }
  };
  return {
    find: (viewerId, guildId, query) =>
      orNullIfRefused(
        (async () => {
          if (query.userIds !== undefined) {
            // The viewer's own membership first: a non-member is refused, not told who is in the guild.
            await getMember(viewerId, guildId, viewerId);
            const views = await Promise.all(query.userIds.map((id) => orNullIfRefused(getMember(viewerId, guildId, id))));
            return {
              members: views.flatMap((view) => (view ? [memberOnGateway(view)] : [])),
              notFound: query.userIds.filter((_, index) => views[index] === null),
            };
          }
          const prefix = (query.query ?? "").toLowerCase();
          return { members: await scan(viewerId, guildId, (view) => view.user.username.toLowerCase().startsWith(prefix), query.limit), notFound: [] };
        })(),
      ),
    forGuildCreate: (viewerId, guildId, upTo) =>
      orNullIfRefused(
        (async () => {
          const [self, count] = await Promise.all([getMember(viewerId, guildId, viewerId), deps.memberCount(guildId)]);
          const own = memberOnGateway(self);
          return { self: own, members: count > upTo ? [own] : await scan(viewerId, guildId, () => true, 0) };
        })(),
      ),
  };
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

  const directory = guildMemberDirectory(deps);
  /**
   * GUILD_CREATE for a user who joined: a bot gets Discord's complete form (joined_at, large, members of a guild
   * not above Discord's default large_threshold, and the lists XCord has nothing for, empty), as after its READY.
   */
  const joined = async (viewer: Viewer, guildId: Snowflake): Promise<Delivery> => {
    const guild = await guildCreate(deps, viewer.userId, guildId);
    const listed = viewer.bot ? await directory.forGuildCreate(viewer.userId, guildId, DEFAULT_LARGE_THRESHOLD) : null;
    const d = listed
      ? completeGuildCreate(guild, {
          joined_at: listed.self.joined_at,
          large: guild.member_count > DEFAULT_LARGE_THRESHOLD,
          members: listed.members,
          presences: [],
          voice_states: [],
        })
      : guild;
    return { dispatches: [{ t: "GUILD_CREATE", d }], subscribe: [topics.guild(guildId)] };
  };
  const left = (guildId: Snowflake): Delivery => ({
    dispatches: [{ t: "GUILD_DELETE", d: { id: guildId } }],
    unsubscribe: [topics.guild(guildId) as Topic],
  });

  /** Only to members holding `permission` guild-wide. */
  const withGuildPermission =
    (permission: bigint): DispatchRule<BanAdded | BanRemoved | AuditLogEntryCreated> =>
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
    SERVER_CREATED: ({ data }, viewer) => (data.owner_id === viewer.userId ? joined(viewer, data.guild_id) : null),
    SERVER_UPDATED: forwardToAll,
    SERVER_DELETED: ({ data }) => left(data.guild_id),
    MEMBER_ADDED: ({ data }, viewer) => (data.user.id === viewer.userId ? joined(viewer, data.guild_id) : FORWARD),
    MEMBER_UPDATED: forwardToAll,
    MEMBER_REMOVED: ({ data }, viewer) => (data.user.id === viewer.userId ? left(data.guild_id) : FORWARD),
    BAN_ADDED: withGuildPermission(Permission.BAN_MEMBERS),
    BAN_REMOVED: withGuildPermission(Permission.BAN_MEMBERS),
    ROLE_CREATED: forwardToAll,
    ROLE_UPDATED: forwardToAll,
    ROLE_DELETED: forwardToAll,
    INVITE_CREATED: managesInvites,
    INVITE_DELETED: managesInvites,
    // Every member may use the guild's emoji, so every member hears of them (intent GUILD_EXPRESSIONS).
    EMOJIS_UPDATED: forwardToAll,
    // The audit log is for those who may read it (intent GUILD_MODERATION).
    AUDIT_LOG_ENTRY_CREATED: withGuildPermission(Permission.VIEW_AUDIT_LOG),
  };

  return { ready, rules };
};
