import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { Invite } from "./invite";

/** Invite codes. */
export interface InviteRepository {
  /** Inserts an invite; false when the code is taken (the caller draws another). */
  insert(invite: Invite): Promise<boolean>;
  /** The invite with this code, usable or not, or null. */
  find(code: string): Promise<Invite | null>;
  /** The guild's invites that are still usable at `now`, oldest first. */
  listUsable(guildId: Snowflake, now: Date): Promise<Invite[]>;
  /**
   * Counts one use, atomically and only while the invite is usable at `now`: of concurrent callers on an invite
   * with one use left exactly one gets true.
   */
  consumeUse(code: string, now: Date): Promise<boolean>;
  /** Deletes an invite; false when there was none. */
  delete(code: string): Promise<boolean>;
}
