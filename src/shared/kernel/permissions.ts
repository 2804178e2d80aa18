/** Discord's permission bits (API.md "Permissions"). */
export const Permission = {
  CREATE_INSTANT_INVITE: 1n << 0n,
  KICK_MEMBERS: 1n << 1n,
  BAN_MEMBERS: 1n << 2n,
  ADMINISTRATOR: 1n << 3n,
  MANAGE_CHANNELS: 1n << 4n,
  MANAGE_GUILD: 1n << 5n,
  ADD_REACTIONS: 1n << 6n,
  /** Read the guild's audit log (and hear GUILD_AUDIT_LOG_ENTRY_CREATE). */
  VIEW_AUDIT_LOG: 1n << 7n,
  /** Discord's "Video": camera video (and screen share) in voice channels. */
  STREAM: 1n << 9n,
  VIEW_CHANNEL: 1n << 10n,
  SEND_MESSAGES: 1n << 11n,
  MANAGE_MESSAGES: 1n << 13n,
  ATTACH_FILES: 1n << 15n,
  READ_MESSAGE_HISTORY: 1n << 16n,
  MENTION_EVERYONE: 1n << 17n,
  CONNECT: 1n << 20n,
  SPEAK: 1n << 21n,
  MUTE_MEMBERS: 1n << 22n,
  DEAFEN_MEMBERS: 1n << 23n,
  MOVE_MEMBERS: 1n << 24n,
  CHANGE_NICKNAME: 1n << 26n,
  MANAGE_NICKNAMES: 1n << 27n,
  MANAGE_ROLES: 1n << 28n,
  MANAGE_WEBHOOKS: 1n << 29n,
  /** Edit and delete any custom emoji of the guild, and create them (Discord's, formerly MANAGE_EMOJIS_AND_STICKERS). */
  MANAGE_GUILD_EXPRESSIONS: 1n << 30n,
  /** Threads: delete, lock, archive and edit any; see private ones; remove members (Discord's). */
  MANAGE_THREADS: 1n << 34n,
  CREATE_PUBLIC_THREADS: 1n << 35n,
  CREATE_PRIVATE_THREADS: 1n << 36n,
  /** Sending in threads (SEND_MESSAGES does not apply there). */
  SEND_MESSAGES_IN_THREADS: 1n << 38n,
  /** Create custom emoji, and edit or delete one's own. */
  CREATE_GUILD_EXPRESSIONS: 1n << 43n,
} as const;

export type PermissionName = keyof typeof Permission;

/**
 * The permissions Discord withholds, in a guild whose MFA level is elevated, from members without two-factor login
 * (those of Discord's list that XCord has).
 */
export const TWO_FACTOR_PERMISSIONS: bigint =
  Permission.KICK_MEMBERS |
  Permission.BAN_MEMBERS |
  Permission.ADMINISTRATOR |
  Permission.MANAGE_CHANNELS |
  Permission.MANAGE_GUILD |
  Permission.MANAGE_MESSAGES |
  Permission.MANAGE_ROLES |
  Permission.MANAGE_WEBHOOKS |
  Permission.MANAGE_THREADS |
  Permission.MANAGE_GUILD_EXPRESSIONS;

/** Every bit XCord knows; what owners and administrators hold. */
export const ALL_PERMISSIONS: bigint = Object.values(Permission).reduce((all, bit) => all | bit, 0n);

export const DEFAULT_EVERYONE_PERMISSIONS: bigint =
  Permission.VIEW_CHANNEL |
  Permission.SEND_MESSAGES |
  Permission.READ_MESSAGE_HISTORY |
  Permission.ADD_REACTIONS |
  Permission.CREATE_INSTANT_INVITE |
  Permission.ATTACH_FILES |
  Permission.CONNECT |
  Permission.SPEAK |
  Permission.STREAM |
  Permission.CHANGE_NICKNAME |
  Permission.CREATE_PUBLIC_THREADS |
  Permission.CREATE_PRIVATE_THREADS |
  Permission.SEND_MESSAGES_IN_THREADS;

/** True when every bit of `required` is set in `granted`. */
export const hasPermission = (granted: bigint, required: bigint): boolean => (granted & required) === required;

/** The union of the named permissions. */
export const permissionsOf = (...names: PermissionName[]): bigint =>
  names.reduce((all, name) => all | Permission[name], 0n);

/** The names of the bits set in `bits`, for messages and logs. */
export const permissionNames = (bits: bigint): PermissionName[] =>
  (Object.keys(Permission) as PermissionName[]).filter((name) => (bits & Permission[name]) !== 0n);

const BITFIELD_PATTERN = /^[0-9]{1,20}$/;

/** Parses the string form of API.md; unknown bits are dropped so that clients cannot store garbage. */
export const parsePermissions = (value: string): bigint | undefined => {
  if (!BITFIELD_PATTERN.test(value)) return undefined;
  const bits = BigInt(value);
  return bits <= 0xffff_ffff_ffff_ffffn ? bits & ALL_PERMISSIONS : undefined;
};

export const serializePermissions = (bits: bigint): string => bits.toString();
