import type { Snowflake } from "../../../shared/kernel/snowflake";
import { type Channel, isDm, isThread } from "../domain/channel";
import type { UserProfile } from "../../../shared/kernel/users";
import type { ChannelDeps } from "./channel-deps";
import { viewChannel } from "./channel-access";

/** A channel with, for a DM, the profiles of the participants other than the viewer. */
export interface ChannelView {
  readonly channel: Channel;
  readonly recipients: readonly UserProfile[];
}

/** Attaches the other participants' profiles to DMs (one directory call for the whole list). */
export const withRecipients = async (deps: Pick<ChannelDeps, "users">, viewerId: Snowflake, channels: readonly Channel[]): Promise<ChannelView[]> => {
  const others = (channel: Channel) => (isDm(channel) ? channel.recipientIds.filter((id) => id !== viewerId) : []);
  const ids = [...new Set(channels.flatMap(others))];
  const users = new Map((ids.length === 0 ? [] : await deps.users.findUsers(ids)).map((user) => [user.id, user]));
  return channels.map((channel) => ({
    channel,
    recipients: others(channel).flatMap((id) => users.get(id) ?? []),
  }));
};

/** A channel the caller can view: a guild channel with VIEW_CHANNEL, or a DM they are in. */
export const getChannel =
  (deps: Pick<ChannelDeps, "permissions" | "users" | "threads">) =>
  async (userId: Snowflake, channelId: Snowflake): Promise<ChannelView> => {
    const viewed = (await viewChannel(deps, userId, channelId)).channel;
    // A thread's counts move with every message and member: read afresh, not as the permission cache keeps it.
    const channel = isThread(viewed) ? ((await deps.threads.find(viewed.id)) ?? viewed) : viewed;
    const [view] = await withRecipients(deps, userId, [channel]);
    return view as ChannelView;
  };
