import { Permission, hasPermission } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { MentionPolicy } from "../domain/allowed-mentions";
import type { MessageChannel } from "../domain/message-channel";
import { parseMentions } from "../domain/mentions";
import type { MessageDeps } from "./message-deps";

/** The mentions a message really makes. */
export interface ResolvedMentions {
  readonly userIds: Snowflake[];
  readonly roleIds: Snowflake[];
  readonly everyone: boolean;
}

/** Everything counts: a message without `allowed_mentions`. */
const ALL: MentionPolicy = { user: () => true, role: () => true, everyone: true, repliedUser: true };

/**
 * Who a message really mentions. `<@id>`: users who can see the channel (DM participants; guild members with
 * VIEW_CHANNEL), checked in parallel, so naming a stranger reveals nothing and notifies no one; a reply's
 * `repliedUserId` joins them. `<@&id>`: roles of the channel's guild that are mentionable, or any of them with
 * MENTION_EVERYONE. `@everyone` counts only with MENTION_EVERYONE. `policy` (allowed_mentions) narrows each kind;
 * what it leaves out stays text and mentions nobody. Messages that mention nothing cost no lookup.
 */
export const resolveMentions = async (
  deps: Pick<MessageDeps, "permissions" | "members">,
  channel: MessageChannel,
  content: string,
  policy: MentionPolicy = ALL,
  repliedUserId?: Snowflake,
): Promise<ResolvedMentions> => {
  const request = parseMentions(content);
  const everyone = request.everyone && policy.everyone && hasPermission(channel.permissions, Permission.MENTION_EVERYONE);
  const asked = request.userIds.filter(policy.user);
  if (repliedUserId !== undefined && !asked.includes(repliedUserId)) asked.push(repliedUserId);
  const roleIds = channel.guildId === null ? [] : request.roleIds.filter(policy.role);
  if (channel.guildId === null) return { userIds: asked.filter((id) => channel.recipientIds.includes(id)), roleIds: [], everyone };
  const anyRole = hasPermission(channel.permissions, Permission.MENTION_EVERYONE);
  const [resolved, roles] = await Promise.all([
    Promise.all(asked.map((id) => deps.permissions.forChannel(id, channel.id))),
    roleIds.length === 0 ? Promise.resolve([]) : deps.members.roles(channel.guildId, roleIds),
  ]);
  const userIds = asked.filter((_, index) => hasPermission(resolved[index]?.permissions ?? 0n, Permission.VIEW_CHANNEL));
  const mentionable = new Set(roles.filter((role) => role.mentionable || anyRole).map((role) => role.id));
  return { userIds, roleIds: roleIds.filter((id) => mentionable.has(id)), everyone };
};
