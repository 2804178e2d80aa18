/*
 * Gateway intents (Discord's): which dispatches a session asked for. A session that sent no `intents` (XCord's own
 * clients) gets everything, as before intents existed; a bot must send them.
 */
import { ApplicationFlag } from "../kernel/users";

export const Intent = {
  GUILDS: 1 << 0,
  GUILD_MEMBERS: 1 << 1,
  GUILD_MODERATION: 1 << 2,
  GUILD_EXPRESSIONS: 1 << 3,
  GUILD_INTEGRATIONS: 1 << 4,
  GUILD_WEBHOOKS: 1 << 5,
  GUILD_INVITES: 1 << 6,
  GUILD_VOICE_STATES: 1 << 7,
  GUILD_PRESENCES: 1 << 8,
  GUILD_MESSAGES: 1 << 9,
  GUILD_MESSAGE_REACTIONS: 1 << 10,
  GUILD_MESSAGE_TYPING: 1 << 11,
  DIRECT_MESSAGES: 1 << 12,
  DIRECT_MESSAGE_REACTIONS: 1 << 13,
  DIRECT_MESSAGE_TYPING: 1 << 14,
  MESSAGE_CONTENT: 1 << 15,
  GUILD_SCHEDULED_EVENTS: 1 << 16,
  AUTO_MODERATION_CONFIGURATION: 1 << 20,
  AUTO_MODERATION_EXECUTION: 1 << 21,
  GUILD_MESSAGE_POLLS: 1 << 24,
  DIRECT_MESSAGE_POLLS: 1 << 25,
} as const;

/** Every bit Discord defines; any other closes IDENTIFY with 4013. */
export const VALID_INTENTS = Object.values(Intent).reduce((all, bit) => all | bit, 0);

/** A session that sent no intents hears everything. */
export const ALL_INTENTS = VALID_INTENTS;

/** Each privileged intent and the application flags that enable it. */
const PRIVILEGED: ReadonlyArray<readonly [intent: number, flags: number]> = [
  [Intent.GUILD_PRESENCES, ApplicationFlag.GATEWAY_PRESENCE | ApplicationFlag.GATEWAY_PRESENCE_LIMITED],
  [Intent.GUILD_MEMBERS, ApplicationFlag.GATEWAY_GUILD_MEMBERS | ApplicationFlag.GATEWAY_GUILD_MEMBERS_LIMITED],
  [Intent.MESSAGE_CONTENT, ApplicationFlag.GATEWAY_MESSAGE_CONTENT | ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED],
];

/** The privileged intents in `intents` that an application with `flags` has not enabled (4014 when any). */
export const disallowedIntents = (intents: number, flags: number): number =>
  PRIVILEGED.reduce((refused, [intent, enabling]) => ((intents & intent) !== 0 && (flags & enabling) === 0 ? refused | intent : refused), 0);

/** [in a guild, in a DM]: the intent a dispatch needs; 0 for dispatches every session gets. */
type Needs = readonly [guild: number, dm: number];

const guildOnly = (intent: number): Needs => [intent, 0];
const both = (guild: number, dm: number): Needs => [guild, dm];

/**
 * Discord's intents table, by dispatch name. Names absent here (READY, RESUMED, USER_UPDATE, VOICE_SERVER_UPDATE,
 * GUILD_MEMBERS_CHUNK, MESSAGE_ACK, …) go to every session. A DM channel's CHANNEL_* needs nothing, as on Discord.
 */
const NEEDS: ReadonlyMap<string, Needs> = new Map<string, Needs>([
  ["GUILD_CREATE", guildOnly(Intent.GUILDS)],
  ["GUILD_UPDATE", guildOnly(Intent.GUILDS)],
  ["GUILD_DELETE", guildOnly(Intent.GUILDS)],
  ["GUILD_ROLE_CREATE", guildOnly(Intent.GUILDS)],
  ["GUILD_ROLE_UPDATE", guildOnly(Intent.GUILDS)],
  ["GUILD_ROLE_DELETE", guildOnly(Intent.GUILDS)],
  ["CHANNEL_CREATE", guildOnly(Intent.GUILDS)],
  ["CHANNEL_UPDATE", guildOnly(Intent.GUILDS)],
  ["CHANNEL_DELETE", guildOnly(Intent.GUILDS)],
  ["THREAD_CREATE", guildOnly(Intent.GUILDS)],
  ["THREAD_UPDATE", guildOnly(Intent.GUILDS)],
  ["THREAD_DELETE", guildOnly(Intent.GUILDS)],
  ["THREAD_LIST_SYNC", guildOnly(Intent.GUILDS)],
  ["THREAD_MEMBER_UPDATE", guildOnly(Intent.GUILDS)],
  // Discord sends a GUILDS-only session the updates about itself; XCord sends them only with GUILD_MEMBERS.
  ["THREAD_MEMBERS_UPDATE", guildOnly(Intent.GUILD_MEMBERS)],
  ["CHANNEL_PINS_UPDATE", both(Intent.GUILDS, Intent.DIRECT_MESSAGES)],
  ["GUILD_MEMBER_ADD", guildOnly(Intent.GUILD_MEMBERS)],
  ["GUILD_MEMBER_UPDATE", guildOnly(Intent.GUILD_MEMBERS)],
  ["GUILD_MEMBER_REMOVE", guildOnly(Intent.GUILD_MEMBERS)],
  ["GUILD_BAN_ADD", guildOnly(Intent.GUILD_MODERATION)],
  ["GUILD_BAN_REMOVE", guildOnly(Intent.GUILD_MODERATION)],
  ["GUILD_AUDIT_LOG_ENTRY_CREATE", guildOnly(Intent.GUILD_MODERATION)],
  ["GUILD_EMOJIS_UPDATE", guildOnly(Intent.GUILD_EXPRESSIONS)],
  ["GUILD_STICKERS_UPDATE", guildOnly(Intent.GUILD_EXPRESSIONS)],
  ["GUILD_INTEGRATIONS_UPDATE", guildOnly(Intent.GUILD_INTEGRATIONS)],
  ["WEBHOOKS_UPDATE", guildOnly(Intent.GUILD_WEBHOOKS)],
  ["INVITE_CREATE", guildOnly(Intent.GUILD_INVITES)],
  ["INVITE_DELETE", guildOnly(Intent.GUILD_INVITES)],
  ["VOICE_STATE_UPDATE", guildOnly(Intent.GUILD_VOICE_STATES)],
  ["VOICE_CALL_STARTED", guildOnly(Intent.GUILD_VOICE_STATES)],
  ["VOICE_CALL_ENDED", guildOnly(Intent.GUILD_VOICE_STATES)],
  ["PRESENCE_UPDATE", guildOnly(Intent.GUILD_PRESENCES)],
  ["MESSAGE_CREATE", both(Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)],
  ["MESSAGE_UPDATE", both(Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)],
  ["MESSAGE_DELETE", both(Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)],
  ["MESSAGE_DELETE_BULK", both(Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)],
  ["MESSAGE_REACTION_ADD", both(Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)],
  ["MESSAGE_REACTION_REMOVE", both(Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)],
  ["MESSAGE_REACTION_REMOVE_ALL", both(Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)],
  ["MESSAGE_REACTION_REMOVE_EMOJI", both(Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)],
  ["TYPING_START", both(Intent.GUILD_MESSAGE_TYPING, Intent.DIRECT_MESSAGE_TYPING)],
]);

/** The intent dispatch `name` needs (0: none), in a guild or, with `guildId` absent, in a DM. */
export const intentNeeded = (name: string, inGuild: boolean): number => {
  const needs = NEEDS.get(name);
  return needs === undefined ? 0 : needs[inGuild ? 0 : 1];
};

/** The dispatch names with the intent each needs, for the docs and the AsyncAPI document. */
export const intentTable = (): ReadonlyArray<readonly [name: string, guild: number, dm: number]> => [...NEEDS].map(([name, [guild, dm]]) => [name, guild, dm]);

/** The shard a guild belongs to: Discord's `(guild_id >> 22) % num_shards`. */
export const shardOf = (guildId: string, shardCount: number): number => Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
