import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { channels } from "./channel-schema";
import { reference, snowflake, timestamptz } from "./columns";
import { guilds } from "./guild-schema";
import { users } from "./identity-schema";

/**
 * Who is in which voice channel: one row per user (a user is in at most one voice channel). Rows are ephemeral:
 * `expires_at` moves forward while the owning gateway session lives, and a sweeper removes the rest (a node that
 * died takes its sessions' voice states with it within that time).
 */
export const voiceStates = pgTable(
  "voice_states",
  {
    userId: snowflake("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    gatewaySessionId: text("gateway_session_id").notNull(),
    /** The identity session (login) behind it: revoking that session ends the voice state. */
    authSessionId: text("auth_session_id").notNull(),
    selfMute: boolean("self_mute").notNull(),
    selfDeaf: boolean("self_deaf").notNull(),
    mute: boolean("mute").notNull(),
    deaf: boolean("deaf").notNull(),
    /** Joined without SPEAK: hears, may not send. */
    suppress: boolean("suppress").notNull(),
    /** Sends camera video now: the room sets it while the user's voice socket has a video producer. */
    selfVideo: boolean("self_video").notNull().default(false),
    joinedAt: timestamptz("joined_at").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  (table) => [
    index("voice_states_channel_idx").on(table.channelId),
    index("voice_states_guild_idx").on(table.guildId),
    index("voice_states_session_idx").on(table.gatewaySessionId),
    index("voice_states_auth_session_idx").on(table.authSessionId),
    index("voice_states_expires_idx").on(table.expiresAt),
  ],
);

/** A call: from the first participant joining a voice channel to the last leaving. At most one open per channel. */
export const voiceCalls = pgTable(
  "voice_calls",
  {
    id: snowflake("id").primaryKey(),
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    channelId: reference("channel_id", () => channels.id, { onDelete: "cascade" }),
    /** The node whose SFU hosts the call's room, and the signaling URL clients connect to. */
    nodeId: integer("node_id").notNull(),
    endpoint: text("endpoint").notNull(),
    startedAt: timestamptz("started_at").notNull(),
    endedAt: timestamptz("ended_at"),
  },
  (table) => [
    uniqueIndex("voice_calls_open_key").on(table.channelId).where(sql`${table.endedAt} IS NULL`),
    index("voice_calls_channel_idx").on(table.channelId, table.id),
  ],
);

/** Server mute and deafen stick to a member of a guild across calls until a moderator lifts them. */
export const voiceModeration = pgTable(
  "voice_moderation",
  {
    guildId: reference("guild_id", () => guilds.id, { onDelete: "cascade" }),
    userId: reference("user_id", () => users.id, { onDelete: "cascade" }),
    mute: boolean("mute").notNull(),
    deaf: boolean("deaf").notNull(),
  },
  (table) => [primaryKey({ columns: [table.guildId, table.userId] })],
);
