import { DomainError, ErrorCode, invalidField } from "../../../shared/kernel/domain-error";
import { imageUrlOrNull } from "../../../shared/kernel/field-checks";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A server. Its roles, members, channels, bans and invites hang off its id. */
export interface Guild {
  readonly id: Snowflake;
  readonly name: string;
  readonly icon: string | null;
  readonly ownerId: Snowflake;
  readonly createdAt: Date;
  /** Discord's MFA level: whether the guild asks its moderators for two-factor login. */
  readonly mfaLevel: MfaLevel;
}

/** Discord's guild MFA levels: 0 NONE, 1 ELEVATED. */
export const MfaLevel = { NONE: 0, ELEVATED: 1 } as const;
export type MfaLevel = (typeof MfaLevel)[keyof typeof MfaLevel];

export const GUILD_NAME_MIN = 2;
export const GUILD_NAME_MAX = 100;
export const ICON_MAX = 512;
/** Discord's limit for a normal account: creating or joining beyond it answers 400 30001. */
export const MAX_GUILDS_PER_USER = 200;
/**
 * Discord's default "large guild" threshold: above it, presence is neither broadcast to the guild nor listed in
 * READY. Presence in a guild costs members² dispatches when everyone connects at once (a restart, a morning),
 * so a 1,000-member guild coming online would otherwise send a million PRESENCE_UPDATEs.
 */
export const LARGE_GUILD_THRESHOLD = 250;

const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** Checks a display name of `min`–`max` visible characters after trimming; shared by guilds, roles and channels. */
export const normalizeName = (raw: string, field: string, min: number, max: number): string => {
  const name = raw.trim();
  if (name.length < min || name.length > max) throw invalidField(field, `Must be between ${min} and ${max} characters long.`);
  if (CONTROL_CHARACTERS.test(name)) throw invalidField(field, "Must not contain control characters.");
  return name;
};

/** A guild name is 2–100 characters after trimming. */
export const normalizeGuildName = (raw: string, field = "name"): string => normalizeName(raw, field, GUILD_NAME_MIN, GUILD_NAME_MAX);

/** An icon is an http(s) URL of at most 512 characters (until uploads exist); null clears it. */
export const normalizeIcon = (raw: string | null, field = "icon"): string | null => imageUrlOrNull(raw, field, ICON_MAX);

/** Refuses one more guild for a user who already is in `count`. */
export const checkGuildCount = (count: number): void => {
  if (count >= MAX_GUILDS_PER_USER) {
    throw new DomainError(
      ErrorCode.LIMIT_REACHED,
      `Maximum number of guilds reached (${MAX_GUILDS_PER_USER}): leave a guild before creating or joining another.`,
    );
  }
};
