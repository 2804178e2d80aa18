import type { ChannelEvent, ChannelVisibility, PermissionChanges, ThreadEvent } from "./domains/channel";
import type { GuildEvent } from "./domains/guild";
import type { RelationshipEvent, UserEvent } from "./domains/identity";
import type { MessageEvent } from "./domains/message";
import type { PresenceEvent } from "./domains/presence";
import type { VoiceEvent } from "./domains/voice";
import type { DispatchNames } from "./shared/gateway/gateway-ports";
import { handleEvents } from "./shared/kernel/domain-event";

/**
 * Every domain event of XCord: each domain owns and exports its own part. Domain events are named for the fact,
 * in the past tense (`MESSAGE_SENT`, `ROLE_CREATED`); the gateway's dispatch names are API.md's (Discord's), and
 * the table below is the one place that maps the first to the second.
 */
export type AppEvent = UserEvent | RelationshipEvent | GuildEvent | ChannelEvent | ThreadEvent | MessageEvent | PresenceEvent | VoiceEvent;

/** The dispatch each event is sent as; null for the events no session is sent (they are for caches and consumers). */
export const DISPATCH_NAMES = {
  USER_CREATED: null,
  USER_UPDATED: "USER_UPDATE",
  USER_DELETED: null,
  RELATIONSHIP_ADDED: "RELATIONSHIP_ADD",
  RELATIONSHIP_REMOVED: "RELATIONSHIP_REMOVE",
  SERVER_CREATED: "GUILD_CREATE",
  SERVER_UPDATED: "GUILD_UPDATE",
  SERVER_DELETED: "GUILD_DELETE",
  MEMBER_ADDED: "GUILD_MEMBER_ADD",
  MEMBER_UPDATED: "GUILD_MEMBER_UPDATE",
  MEMBER_REMOVED: "GUILD_MEMBER_REMOVE",
  BAN_ADDED: "GUILD_BAN_ADD",
  BAN_REMOVED: "GUILD_BAN_REMOVE",
  ROLE_CREATED: "GUILD_ROLE_CREATE",
  ROLE_UPDATED: "GUILD_ROLE_UPDATE",
  ROLE_DELETED: "GUILD_ROLE_DELETE",
  INVITE_CREATED: "INVITE_CREATE",
  INVITE_DELETED: "INVITE_DELETE",
  EMOJIS_UPDATED: "GUILD_EMOJIS_UPDATE",
  AUDIT_LOG_ENTRY_CREATED: "GUILD_AUDIT_LOG_ENTRY_CREATE",
  CHANNEL_CREATED: "CHANNEL_CREATE",
  CHANNEL_UPDATED: "CHANNEL_UPDATE",
  CHANNEL_DELETED: "CHANNEL_DELETE",
  THREAD_CREATED: "THREAD_CREATE",
  THREAD_UPDATED: "THREAD_UPDATE",
  THREAD_DELETED: "THREAD_DELETE",
  THREAD_MEMBERS_UPDATED: "THREAD_MEMBERS_UPDATE",
  MESSAGE_SENT: "MESSAGE_CREATE",
  MESSAGE_UPDATED: "MESSAGE_UPDATE",
  MESSAGE_DELETED: "MESSAGE_DELETE",
  MESSAGE_DELETED_BULK: "MESSAGE_DELETE_BULK",
  MESSAGE_REACTION_ADDED: "MESSAGE_REACTION_ADD",
  MESSAGE_REACTION_REMOVED: "MESSAGE_REACTION_REMOVE",
  CHANNEL_PINS_UPDATED: "CHANNEL_PINS_UPDATE",
  MESSAGE_READ: "MESSAGE_ACK",
  MESSAGE_DELIVERY_UPDATED: "MESSAGE_DELIVERY_UPDATE",
  TYPING_STARTED: "TYPING_START",
  WEBHOOKS_UPDATED: "WEBHOOKS_UPDATE",
  PRESENCE_UPDATED: "PRESENCE_UPDATE",
  VOICE_STATE_UPDATED: "VOICE_STATE_UPDATE",
  VOICE_CALL_STARTED: "VOICE_CALL_STARTED",
  VOICE_CALL_ENDED: "VOICE_CALL_ENDED",
} as const satisfies DispatchNames<AppEvent>;

/** Events after which what anyone may do in the event's guild may have changed (roles, @everyone, the owner). */
const GUILD_WIDE_CHANGES = ["SERVER_UPDATED", "SERVER_DELETED", "ROLE_CREATED", "ROLE_UPDATED", "ROLE_DELETED"] as const satisfies readonly GuildEvent["type"][];
/** Events after which what the event's user may do in its guild may have changed. */
const MEMBER_CHANGES = ["MEMBER_ADDED", "MEMBER_UPDATED", "MEMBER_REMOVED", "BAN_ADDED"] as const satisfies readonly GuildEvent["type"][];
/** Events after which what the event's user may do in every guild may have changed: two-factor login on or off (guild MFA levels). */
const USER_CHANGES = ["USER_UPDATED"] as const satisfies readonly UserEvent["type"][];
/**
 * Events that change a channel's overwrites or settings, or a thread's state (locked, archived) or members (who sees
 * a private one). A parent's change reaches its threads' answers too (both caches keep threads under their parent).
 */
const CHANNEL_CHANGES = ["CHANNEL_UPDATED", "CHANNEL_DELETED", "THREAD_UPDATED", "THREAD_DELETED", "THREAD_MEMBERS_UPDATED"] as const satisfies readonly (ChannelEvent | ThreadEvent)["type"][];

/** One handler for each of `types`. */
const each = <K extends string, H>(types: readonly K[], handler: H): Record<K, H> =>
  Object.fromEntries(types.map((type) => [type, handler])) as Record<K, H>;

/**
 * Which committed events change the answers of the node's permission cache (channel/application/permission-cache.ts).
 * Most are guild and message events, which the channel domain does not import (both domains depend on it): they are
 * named here, typed by the domain that owns each.
 */
export const PERMISSION_CHANGES: PermissionChanges = {
  guildWide: new Set(GUILD_WIDE_CHANGES),
  member: new Set(MEMBER_CHANGES),
  user: new Set(USER_CHANGES),
  channel: new Set<(ChannelEvent | ThreadEvent)["type"] | MessageEvent["type"]>([...CHANNEL_CHANGES, "MESSAGE_DELETED", "MESSAGE_DELETED_BULK"]),
  messageSent: "MESSAGE_SENT" satisfies MessageEvent["type"],
};

/**
 * What each event drops from the gateway's channel visibility (channel/presentation/channel-visibility.ts), called
 * for every event as it reaches the node, before sessions decide on it.
 */
export const visibilityChanges = (visibility: Pick<ChannelVisibility, "forgetGuild" | "forgetMember" | "forgetUser" | "forgetChannel">) => {
  const guildWide = ({ data }: { readonly data: { readonly guild_id: string } }) => visibility.forgetGuild(data.guild_id);
  const member = ({ data }: { readonly data: { readonly guild_id: string; readonly user: { readonly id: string } } }) =>
    visibility.forgetMember(data.guild_id, data.user.id);
  const channel = ({ data }: { readonly data: { readonly id: string } }) => visibility.forgetChannel(data.id);
  const user = ({ data }: { readonly data: { readonly user: { readonly id: string } } }) => visibility.forgetUser(data.user.id);
  // The same events as the permission cache's: both caches answer what a user may do in a channel.
  return handleEvents<GuildEvent | ChannelEvent | ThreadEvent | UserEvent>({
    ...each(GUILD_WIDE_CHANGES, guildWide),
    ...each(MEMBER_CHANGES, member),
    ...each(USER_CHANGES, user),
    ...each(CHANNEL_CHANGES, channel),
  });
};
