import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { MessageChannel } from "../domain/message-channel";
import { parseMentions } from "../domain/mentions";
import type { MessageDeps } from "./message-deps";

/** The mentions a message really makes. */
export interface ResolvedMentions {
  readonly userIds: Snowflake[];
  readonly everyone: boolean;
}

/**
 * Who `<@id>` really mentions: users who can see the channel (DM participants; guild members with VIEW_CHANNEL),
 * checked in parallel, so naming a stranger reveals nothing and notifies no one. `@everyone` counts only with
 * MENTION_EVERYONE; without it the text stays and mentions nobody.
 */
export const resolveMentions = async (
  deps: Pick<MessageDeps, "permissions">,
  channel: MessageChannel,
  content: string,
): Promise<ResolvedMentions> => {
  const request = parseMentions(content);
  const everyone = request.everyone && hasPermission(channel.permissions, Permission.MENTION_EVERYONE);
  if (channel.guildId === null) return { userIds: request.userIds.filter((id) => channel.recipientIds.includes(id)), everyone };
  const resolved = await Promise.all(request.userIds.map((id) => deps.permissions.forChannel(id, channel.id)));
  const userIds = request.userIds.filter((_, index) => hasPermission(resolved[index]?.permissions ?? 0n, Permission.VIEW_CHANNEL));
  return { userIds, everyone };
};
