import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A user's membership of a guild. `roleIds` never holds @everyone, which every member has implicitly. */
export interface Member {
  readonly guildId: Snowflake;
  readonly userId: Snowflake;
  readonly nick: string | null;
  readonly roleIds: readonly Snowflake[];
  readonly joinedAt: Date;
}

export const NICK_MAX = 32;

const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** A nickname is 1–32 characters after trimming; null or an empty string clears it. */
export const normalizeNick = (raw: string | null, field = "nick"): string | null => {
  const nick = raw?.trim() ?? "";
  if (nick === "") return null;
  if (nick.length > NICK_MAX) throw invalidField(field, `Must be between 1 and ${NICK_MAX} characters long.`);
  if (CONTROL_CHARACTERS.test(nick)) throw invalidField(field, "Must not contain control characters.");
  return nick;
};

export const newMember = (guildId: Snowflake, userId: Snowflake, joinedAt: Date): Member => ({
  guildId,
  userId,
  nick: null,
  roleIds: [],
  joinedAt,
});
