import { CHANNEL_MESSAGE_EVENTS } from "./domains/channel/application/permission-cache";
import type { ChannelEvent } from "./domains/channel/domain/channel-events";
import type { GuildEvent } from "./domains/guild/domain/guild-events";
import type { UserEvent } from "./domains/identity/domain/user-events";
import type { MessageEvent } from "./domains/message/domain/message-events";
import type { PresenceEvent } from "./domains/presence/domain/presence-events";
import type { VoiceEvent } from "./domains/voice/domain/voice-state";
import type { DispatchNames } from "./shared/gateway/gateway-ports";

/**
 * Every domain event of XCord: each domain owns and exports its own part. Domain events are named for the fact,
 * in the past tense (`MESSAGE_SENT`, `ROLE_CREATED`); the gateway's dispatch names are API.md's (Discord's), and
 * the table below is the one place that maps the first to the second.
 */
export type AppEvent = UserEvent | GuildEvent | ChannelEvent | MessageEvent | PresenceEvent | VoiceEvent;

/** The dispatch each event is sent as; null for the events no session is sent (they are for caches and consumers). */
export const DISPATCH_NAMES = {
  USER_CREATED: null,
  USER_UPDATED: "USER_UPDATE",
  USER_DELETED: null,
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
  CHANNEL_CREATED: "CHANNEL_CREATE",
  CHANNEL_UPDATED: "CHANNEL_UPDATE",
  CHANNEL_DELETED: "CHANNEL_DELETE",
  MESSAGE_SENT: "MESSAGE_CREATE",
  MESSAGE_UPDATED: "MESSAGE_UPDATE",
  MESSAGE_DELETED: "MESSAGE_DELETE",
  MESSAGE_DELETED_BULK: "MESSAGE_DELETE_BULK",
  MESSAGE_REACTION_ADDED: "MESSAGE_REACTION_ADD",
  MESSAGE_REACTION_REMOVED: "MESSAGE_REACTION_REMOVE",
  CHANNEL_PINS_UPDATED: "CHANNEL_PINS_UPDATE",
  MESSAGE_READ: "MESSAGE_ACK",
  TYPING_STARTED: "TYPING_START",
  PRESENCE_UPDATED: "PRESENCE_UPDATE",
  VOICE_STATE_UPDATED: "VOICE_STATE_UPDATE",
  VOICE_CALL_STARTED: "VOICE_CALL_STARTED",
  VOICE_CALL_ENDED: "VOICE_CALL_ENDED",
} as const satisfies DispatchNames<AppEvent>;

/**
 * Events named by a domain that cannot import the one that owns them (that one depends on it): checked here, so a
 * rename that leaves them behind does not compile.
 */
CHANNEL_MESSAGE_EVENTS satisfies readonly MessageEvent["type"][];
