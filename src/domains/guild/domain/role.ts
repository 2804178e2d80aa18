import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { DEFAULT_EVERYONE_PERMISSIONS } from "../../../shared/kernel/permissions";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import { normalizeName } from "./guild";

/** A named permission set. @everyone is the role whose id equals the guild id; every member holds it implicitly. */
export interface Role {
  readonly id: Snowflake;
  readonly guildId: Snowflake;
  readonly name: string;
  /** RGB as an integer; 0 means no colour. */
  readonly color: number;
  /** Higher is more powerful; @everyone is 0. */
  readonly position: number;
  readonly permissions: bigint;
  readonly hoist: boolean;
  readonly mentionable: boolean;
  /**
   * The bot whose managed role this is (Discord's `managed: true`, `tags.bot_id`): made when the bot is added, gone
   * when it leaves; people may edit it but not delete it nor give or take it. Absent or null for other roles.
   */
  readonly botId?: Snowflake | null;
}

export const ROLE_NAME_MAX = 100;
export const MAX_ROLES_PER_GUILD = 250;
export const MAX_COLOR = 0xff_ff_ff;
/** The position of a role no higher than @everyone: roles other than @everyone sit at 1 and above. */
export const LOWEST_POSITION = 1;

/** The @everyone role of a new guild, with API.md's default permissions. */
export const everyoneRoleOf = (guildId: Snowflake): Role => ({
  id: guildId,
  guildId,
  name: "@everyone",
  color: 0,
  position: 0,
  permissions: DEFAULT_EVERYONE_PERMISSIONS,
  hoist: false,
  mentionable: false,
});

export const isEveryone = (role: Pick<Role, "id" | "guildId">): boolean => role.id === role.guildId;

/** A bot's managed role: only the bot's joining and leaving give, take or delete it. */
export const isManaged = (role: Pick<Role, "botId">): boolean => role.botId !== undefined && role.botId !== null;

/** The managed role of a bot joining a guild: named after the bot, holding the granted permissions, at the bottom. */
export const managedRoleOf = (id: Snowflake, guildId: Snowflake, bot: { readonly id: Snowflake; readonly name: string }, permissions: bigint): Role => ({
  id,
  guildId,
  name: bot.name.slice(0, ROLE_NAME_MAX),
  color: 0,
  position: LOWEST_POSITION,
  permissions,
  hoist: false,
  mentionable: false,
  botId: bot.id,
});

/** A role name is 1–100 characters after trimming. */
export const normalizeRoleName = (raw: string, field = "name"): string => normalizeName(raw, field, 1, ROLE_NAME_MAX);

export const checkColor = (color: number, field = "color"): number => {
  if (!Number.isInteger(color) || color < 0 || color > MAX_COLOR) throw invalidField(field, `Must be an integer from 0 to ${MAX_COLOR}.`);
  return color;
};

/** Refuses one more role in a guild that already has `count` (@everyone included). */
export const checkRoleCount = (count: number): void => {
  if (count >= MAX_ROLES_PER_GUILD) {
    throw new DomainError(ErrorCode.LIMIT_REACHED, `Maximum number of guild roles reached (${MAX_ROLES_PER_GUILD}).`);
  }
};

/**
 * True when `a` ranks above `b`: a higher position, or on equal positions the older role (smaller id), as
 * discord.py orders them. New roles start at position 1 and so rank below every older role there.
 */
export const outranks = (a: Pick<Role, "id" | "position">, b: Pick<Role, "id" | "position">): boolean =>
  a.position !== b.position ? a.position > b.position : BigInt(a.id) < BigInt(b.id);

/** Roles from the lowest to the highest rank; @everyone comes first. */
export const byRank = (roles: readonly Role[]): Role[] => [...roles].sort((a, b) => (a.id === b.id ? 0 : outranks(a, b) ? 1 : -1));

/** The highest of a member's roles, or @everyone when they hold none. */
export const highestRole = (everyone: Role, roles: readonly Role[]): Role =>
  roles.reduce((top, role) => (outranks(role, top) ? role : top), everyone);
