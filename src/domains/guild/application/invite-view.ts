import type { Guild } from "../domain/guild";
import type { InviteChannel } from "../domain/guild-channels";
import { unknownChannel, unknownGuild } from "../domain/guild-errors";
import { type InvitePayload, invitePayload } from "../domain/guild-payloads";
import type { Invite } from "../domain/invite";
import type { GuildDeps } from "./guild-deps";
import { profileOf } from "./guild-context";

/** An invite with its guild, channel and inviter resolved, in the wire shape. */
export const describeInvite = async (
  deps: Pick<GuildDeps, "repositories" | "users" | "channels">,
  invite: Invite,
  known: { guild?: Guild; channel?: InviteChannel } = {},
): Promise<InvitePayload> => {
  const [guild, channel, inviter] = await Promise.all([
    known.guild ?? deps.repositories.guilds.find(invite.guildId),
    known.channel ?? deps.channels.find(invite.channelId),
    profileOf(deps.users, invite.inviterId),
  ]);
  if (!guild) throw unknownGuild();
  if (!channel) throw unknownChannel();
  return invitePayload(invite, guild, channel, inviter);
};
