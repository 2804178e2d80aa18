import type { Snowflake } from "./snowflake";

/** A user's public profile, as other domains show members, authors, mentions and DM recipients. */
export interface UserProfile {
  readonly id: Snowflake;
  readonly username: string;
  readonly displayName: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  readonly createdAt: Date;
  readonly deleted: boolean;
}

/**
 * Application flags, Discord's bits; the ones XCord knows enable the privileged gateway intents (GUILD_PRESENCES,
 * GUILD_MEMBERS, MESSAGE_CONTENT), each by its full or its _LIMITED form.
 */
export const ApplicationFlag = {
  GATEWAY_PRESENCE: 1 << 12,
  GATEWAY_PRESENCE_LIMITED: 1 << 13,
  GATEWAY_GUILD_MEMBERS: 1 << 14,
  GATEWAY_GUILD_MEMBERS_LIMITED: 1 << 15,
  GATEWAY_MESSAGE_CONTENT: 1 << 18,
  GATEWAY_MESSAGE_CONTENT_LIMITED: 1 << 19,
} as const;

/** The application a bot account belongs to, as a bot's caller and gateway session carry it. */
export interface BotIdentity {
  readonly applicationId: Snowflake;
  /** The application's flags (Discord's bits; the privileged-intent bits enable GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT). */
  readonly flags: number;
}

/**
 * Who is calling: the account and the session its access token belongs to (owned by the identity domain). A bot's
 * "session" is its current token: resetting the token revokes it on every node. `bot` is present only for bot accounts.
 */
export interface Caller {
  readonly userId: Snowflake;
  readonly sessionId: Snowflake;
  readonly bot?: BotIdentity;
}

/** Accounts, owned by the identity domain; other domains reach them through its application API. */
export interface UserDirectory {
  /** The accounts with these ids (deleted ones as their placeholder); unknown ids are left out. */
  findUsers(ids: readonly Snowflake[]): Promise<UserProfile[]>;
}

/** The User object of API.md, as events and responses carry it. */
export interface UserPayload {
  readonly id: Snowflake;
  readonly username: string;
  readonly display_name: string | null;
  /** Discord's libraries read it: always "0", Discord's value for accounts with unique usernames. */
  readonly discriminator: "0";
  /** Discord's name for `display_name`, the same value. */
  readonly global_name: string | null;
  readonly avatar: string | null;
  readonly bot: boolean;
  readonly created_at: string;
}

export const userPayload = (user: UserProfile): UserPayload => ({
  id: user.id,
  username: user.username,
  display_name: user.displayName,
  discriminator: "0",
  global_name: user.displayName,
  avatar: user.avatar,
  bot: user.bot,
  created_at: user.createdAt.toISOString(),
});

/** Who a user blocked and who blocked them, as the node keeps it (both empty for most users). */
export interface BlockEntry {
  /** The users this user blocked. */
  readonly blocked: ReadonlySet<Snowflake>;
  /** The users who blocked this user. */
  readonly blockedBy: ReadonlySet<Snowflake>;
}

/**
 * Blocks as other domains check them (owned by the identity domain): on the send path and in the gateway's fan-out,
 * so an entry is kept in the node, and a known one is answered without a promise.
 */
export interface BlockList {
  /** The user's entry: a value when the node knows it, else a promise of it. */
  of(userId: Snowflake): BlockEntry | Promise<BlockEntry>;
}

/** True when either of the two users blocked the other, as `entry` (one of theirs) says. */
export const blockedEitherWay = (entry: BlockEntry, otherId: Snowflake): boolean => entry.blocked.has(otherId) || entry.blockedBy.has(otherId);
