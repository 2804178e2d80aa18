import type { Unrecorded } from "../../../shared/kernel/domain-event";
import type { Snowflake } from "../../../shared/kernel/snowflake";
import type { MFA_FAILURE_POLICY, TotpEnrolment } from "./mfa";
import type { UserEvent } from "./user-events";

/** A login ticket to store: the SHA-256 of its secret, its account and its expiry. */
export interface NewMfaTicket {
  readonly ticketHash: string;
  readonly userId: Snowflake;
  readonly expiresAt: Date;
}

/**
 * Two-factor enrolments, backup codes and login tickets. Every check-and-set is one conditional statement, so
 * two nodes racing with one code or one ticket cannot both succeed.
 */
export interface MfaRepository {
  /** The user's enrolment, or null when two-factor login is off. */
  findEnrolment(userId: Snowflake): Promise<TotpEnrolment | null>;
  /**
   * Turns two-factor login on (the user's `mfa_enabled` with it) with its backup codes (hashes) and events; false,
   * writing nothing, when it already was on.
   */
  enable(userId: Snowflake, enrolment: { secret: string; lastStep: number; enabledAt: Date }, backupCodeHashes: readonly string[], events: readonly Unrecorded<UserEvent>[]): Promise<boolean>;
  /** Turns it off: enrolment, backup codes and open tickets go; false when it was not on. */
  disable(userId: Snowflake, events: readonly Unrecorded<UserEvent>[]): Promise<boolean>;
  /** Replaces every backup code of the user with these hashes. */
  replaceBackupCodes(userId: Snowflake, backupCodeHashes: readonly string[]): Promise<void>;
  /** Records `step` as used when it is later than the last used one; false (a replay) otherwise or without enrolment. */
  acceptStep(userId: Snowflake, step: number): Promise<boolean>;
  /** Marks the unused backup code with this hash used; false when there is none. */
  useBackupCode(userId: Snowflake, codeHash: string, now: Date): Promise<boolean>;
  /** Counts a wrong code within the policy's window, locking the enrolment at the limit; returns the new count. */
  recordFailure(userId: Snowflake, now: Date, policy: typeof MFA_FAILURE_POLICY): Promise<number>;
  /** Forgets the wrong codes counted so far (after a right one). */
  clearFailures(userId: Snowflake): Promise<void>;
  /** How many backup codes of the user are still unused. */
  countUnusedBackupCodes(userId: Snowflake): Promise<number>;
  /** Stores a new login ticket. */
  createTicket(ticket: NewMfaTicket): Promise<void>;
  /** The account of a ticket that is unused, unexpired and below `maxAttempts` wrong codes; null otherwise. */
  findLiveTicket(ticketHash: string, now: Date, maxAttempts: number): Promise<Snowflake | null>;
  /** Counts a wrong code against the ticket; returns its count. */
  failTicket(ticketHash: string): Promise<number>;
  /** Marks a live ticket used, atomically: of racing callers one gets true. */
  consumeTicket(ticketHash: string, now: Date, maxAttempts: number): Promise<boolean>;
  /** Deletes tickets that expired before `before`; returns how many. */
  purgeTickets(before: Date): Promise<number>;
}
