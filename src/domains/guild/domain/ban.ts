import { invalidField } from "../../../shared/kernel/domain-error";
import type { Snowflake } from "../../../shared/kernel/snowflake";

/** A user barred from a guild: their membership ends and no invite lets them back in. */
export interface Ban {
  readonly guildId: Snowflake;
  readonly userId: Snowflake;
  readonly reason: string | null;
  readonly createdAt: Date;
}

export const BAN_REASON_MAX = 512;
/** Discord's bound: a ban may also delete up to 7 days of the user's messages. */
export const DELETE_MESSAGE_SECONDS_MAX = 604_800;

/** A reason is at most 512 characters; blank means none. */
export const normalizeReason = (raw: string | null | undefined, field = "reason"): string | null => {
  const reason = raw?.trim() ?? "";
  if (reason.length > BAN_REASON_MAX) throw invalidField(field, `Must be at most ${BAN_REASON_MAX} characters long.`);
  return reason === "" ? null : reason;
};

export const checkDeleteMessageSeconds = (seconds: number, field = "delete_message_seconds"): number => {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > DELETE_MESSAGE_SECONDS_MAX) {
    throw invalidField(field, `Must be an integer from 0 to ${DELETE_MESSAGE_SECONDS_MAX}.`);
  }
  return seconds;
};
