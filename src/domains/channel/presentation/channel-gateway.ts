import { type DispatchRule, type DispatchRules, FORWARD, type ReadyContributor } from "../../../shared/gateway/gateway-ports";
import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { ChannelCreated, ChannelEvent, ChannelUpdated } from "../domain/channel-events";
import type { ChannelPayload } from "../domain/channel-payload";
import { type ThreadCreated, type ThreadEvent, type ThreadUpdated, withoutPrivateParts } from "../domain/thread-events";
import type { Overwrite } from "../domain/overwrite";
import { ChannelType } from "../domain/channel";
import type { PermissionResolver } from "../domain/permission-resolver";
import type { ChannelView } from "../application/get-channel";
import { toChannelBody } from "./channel-schemas";
import { toThreadMemberBody } from "./thread-schemas";
import type { ChannelUseCases } from "../application/channel-use-cases";
import type { ChannelVisibility } from "./channel-visibility";

const canView = (permissions: bigint) => hasPermission(permissions, Permission.VIEW_CHANNEL);

const overwritesOf = (channel: ChannelPayload): Overwrite[] =>
  (channel.permission_overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: BigInt(o.allow), deny: BigInt(o.deny) }));

/**
 * CHANNEL_CREATE/UPDATE/DELETE: guild channels only to members who can view them (a deleted channel is judged
 * by the overwrites it had); DM channels travel on their recipients' own topics and go as they are.
 */
/** THREAD_LIST_SYNC's `d` for a user who gained access to a text channel; null when it has no thread they may see. */
export type ThreadListSync = (event: object, userId: string, guildId: string, channelId: string) => Promise<unknown | null>;

/**
 * THREAD_LIST_SYNC as Discord sends it when a user gains access to a channel: the channel's active threads they can
 * see, with their thread members. Whether the channel has active threads at all is read once per event.
 */
export const threadListSync = (useCases: Pick<ChannelUseCases, "visibleActiveThreads" | "activeThreadsIn">): ThreadListSync => {
  const perEvent = new WeakMap<object, Promise<boolean>>();
  return async (event, userId, guildId, channelId) => {
    let any = perEvent.get(event);
    if (!any) perEvent.set(event, (any = useCases.activeThreadsIn(guildId, channelId).then((threads) => threads.length > 0)));
    if (!(await any)) return null;
    const { threads, members } = await useCases.visibleActiveThreads(userId, guildId);
    const here = threads.filter((thread) => thread.parentId === channelId);
    if (here.length === 0) return null;
    const ids = new Set(here.map((thread) => thread.id));
    return {
      guild_id: guildId,
      channel_ids: [channelId],
      threads: here.map((thread) => toChannelBody({ channel: thread, recipients: [] })),
      members: members.filter((member) => ids.has(member.threadId)).map(toThreadMemberBody),
    };
  };
};

export const channelDispatchRules = (visibility: ChannelVisibility, resolver: PermissionResolver, threadSync?: ThreadListSync): DispatchRules<ChannelEvent | ThreadEvent> => {
  const visibleNow: DispatchRule<ChannelCreated | ChannelUpdated> = async ({ data: channel }, viewer) => {
    if (!channel.guild_id) return FORWARD;
    return canView(await visibility.permissions(viewer.userId, channel.id)) ? FORWARD : null;
  };
  // Threads: those who see the thread now (the parent's VIEW_CHANNEL; a private thread's members and MANAGE_THREADS holders).
  const seesThread: DispatchRule<ThreadCreated | ThreadUpdated> = async ({ data }, viewer) =>
    canView(await visibility.permissions(viewer.userId, data.id)) ? FORWARD : null;
  return {
    CHANNEL_CREATED: visibleNow,
    // A text or forum channel the viewer may not have seen before (overwrites changed): also its active threads.
    async CHANNEL_UPDATED(event, viewer) {
      const decision = await visibleNow(event, viewer);
      const channel = event.data;
      if (decision === null || !threadSync || !channel.guild_id || (channel.type !== ChannelType.GUILD_TEXT && channel.type !== ChannelType.GUILD_FORUM)) return decision;
      const before = visibility.previously(viewer.userId, channel.id);
      if (before !== undefined && canView(before)) return decision;
      const sync = await threadSync(event, viewer.userId, channel.guild_id, channel.id);
      return sync ? { dispatches: [{ d: channel }, { t: "THREAD_LIST_SYNC", d: sync }] } : decision;
    },
    async CHANNEL_DELETED({ data: channel }, viewer) {
      if (!channel.guild_id) return FORWARD;
      return canView(await resolver.inGuild(viewer.userId, channel.guild_id, overwritesOf(channel))) ? FORWARD : null;
    },
    THREAD_CREATED: seesThread,
    THREAD_UPDATED: seesThread,
    // Judged by the parent, which outlives it, and for a private thread by who its members were.
    async THREAD_DELETED({ data }, viewer) {
      const parent = await visibility.permissions(viewer.userId, data.parent_id);
      if (!canView(parent)) return null;
      if (!data._) return FORWARD;
      const sees = hasPermission(parent, Permission.MANAGE_THREADS) || data._.member_ids.includes(viewer.userId);
      return sees ? { dispatches: [{ d: withoutPrivateParts(data) }] } : null;
    },
    // Those who see the thread, and a removed member (who may no longer see a private one). An added user also gets
    // the thread itself (THREAD_CREATE with their member) and their own member (THREAD_MEMBER_UPDATE), as on Discord.
    async THREAD_MEMBERS_UPDATED({ data }, viewer) {
      const removed = data.removed_member_ids?.includes(viewer.userId) ?? false;
      if (!removed && !canView(await visibility.permissions(viewer.userId, data.id))) return null;
      const update = { d: withoutPrivateParts(data) };
      const added = data.added_members?.find((member) => member.user_id === viewer.userId);
      if (!added) return { dispatches: [update] };
      return {
        dispatches: [
          { t: "THREAD_CREATE", d: { ...data._.thread, member: added } },
          { t: "THREAD_MEMBER_UPDATE", d: { ...added, guild_id: data.guild_id } },
          update,
        ],
      };
    },
  };
};

/** A guild's active threads the user can see, as READY's and GUILD_CREATE's `threads` (with the user's `member` where they joined). */
export const threadsForGuildCreate =
  (visibleActiveThreads: ChannelUseCases["visibleActiveThreads"]) =>
  async (userId: string, guildId: string): Promise<unknown[]> => {
    const { threads, members } = await visibleActiveThreads(userId, guildId);
    const mine = new Map(members.map((member) => [member.threadId, member]));
    return threads.map((thread) => {
      const member = mine.get(thread.id);
      return { ...toChannelBody({ channel: thread, recipients: [] }), ...(member ? { member: toThreadMemberBody(member) } : {}) };
    });
  };

/** READY `private_channels`: the user's DM channels, each with the other participant. */
export const channelReady =
  (listDms: (userId: string) => Promise<readonly ChannelView[]>): ReadyContributor =>
  async (viewer) => ({ private_channels: (await listDms(viewer.userId)).map(toChannelBody) });
