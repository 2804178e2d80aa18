import { DomainError, ErrorCode } from "../../../shared/kernel/domain-error";

/** RFC 6238 parameters every authenticator app takes by default: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after the current one are accepted too (clock drift, typing time). */
export const TOTP_WINDOW = 1;
/** Base32 of 16 characters (80 bits, what Discord's clients generate) to 64 (320 bits). */
export const TOTP_SECRET_MIN = 16;
export const TOTP_SECRET_MAX = 64;

/** Backup codes: ten of eight characters a-z 0-9 (about 41 bits each), each good for one login. */
export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 8;
export const BACKUP_CODE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A login ticket lives 5 minutes and dies after 5 wrong codes. */
export const MFA_TICKET_LIFETIME_MS = 5 * 60_000;
export const MFA_TICKET_MAX_ATTEMPTS = 5;

/**
 * Guessing across tickets: 10 wrong codes for one account within 15 minutes lock its two-factor checks for 15
 * minutes, the right code included. With ±1 step, a guess hits with odds of 3 in a million: at most 960 guesses a
 * day leaves an attacker who already has the password about 0.3 % a day, and the owner sees the lockout.
 */
export const MFA_FAILURE_POLICY = { maxFailures: 10, windowMs: 15 * 60_000, lockMs: 15 * 60_000 } as const;

/** A two-factor enrolment as the login checks read it; the secret never leaves the application layer. */
export interface TotpEnrolment {
  /** Base32, upper case, no padding. */
  readonly secret: string;
  /** The last time step whose code was accepted: a code of that step or an earlier one is a replay. */
  readonly lastStep: number;
  /** Until when every code is refused after too many wrong ones, or null. */
  readonly lockedUntil: Date | null;
}

/** A code as the user typed it: a 6-digit TOTP code or an 8-character backup code. */
export type MfaCode = { readonly kind: "totp"; readonly code: string } | { readonly kind: "backup"; readonly code: string };

export const invalidMfaCode = (message = "Invalid two-factor code"): DomainError<"INVALID_MFA_CODE"> =>
  new DomainError(ErrorCode.INVALID_MFA_CODE, message);

export const invalidMfaTicket = (): DomainError<"INVALID_MFA_TICKET"> =>
  new DomainError(ErrorCode.INVALID_MFA_TICKET, "Invalid two-factor auth ticket");

export const mfaNotEnabled = (): DomainError<"MFA_NOT_ENABLED"> =>
  new DomainError(ErrorCode.MFA_NOT_ENABLED, "This account is not enrolled in two-factor authentication");

export const mfaAlreadyEnabled = (): DomainError<"MFA_ALREADY_ENABLED"> =>
  new DomainError(ErrorCode.MFA_ALREADY_ENABLED, "This account is already enrolled in two-factor authentication");

/**
 * A TOTP secret as clients send it: base32, any case, spaces (as apps show it in groups) and `=` padding ignored;
 * 16–64 characters of A-Z 2-7 once cleaned, else 60005.
 */
export const normalizeTotpSecret = (raw: string): string => {
  const secret = raw.replace(/[\s=]/g, "").toUpperCase();
  if (secret.length < TOTP_SECRET_MIN || secret.length > TOTP_SECRET_MAX || !/^[A-Z2-7]+$/.test(secret)) {
    throw new DomainError(ErrorCode.INVALID_MFA_SECRET, `Invalid two-factor secret: ${TOTP_SECRET_MIN}–${TOTP_SECRET_MAX} base32 characters (A-Z, 2-7).`);
  }
  return secret;
};

/**
 * What kind of code the user typed (spaces and dashes ignored, backup codes in any case): six digits are a TOTP
 * code, eight letters or digits a backup code; anything else (null) is a wrong code.
 */
export const parseMfaCode = (raw: string): MfaCode | null => {
  const code = raw.replace(/[\s-]/g, "").toLowerCase();
  if (/^\d{6}$/.test(code)) return { kind: "totp", code };
  if (code.length === BACKUP_CODE_LENGTH && /^[a-z0-9]+$/.test(code)) return { kind: "backup", code };
  return null;
};

/** Whether the enrolment refuses every code at `now` after too many wrong ones. */
export const isLockedOut = (enrolment: TotpEnrolment, now: Date): boolean =>
  enrolment.lockedUntil !== null && enrolment.lockedUntil.getTime() > now.getTime();

/** The refusal during a lockout: minutes left, rounded up. */
export const lockedOut = (enrolment: TotpEnrolment, now: Date): DomainError<"INVALID_MFA_CODE"> => {
  const minutes = Math.max(1, Math.ceil(((enrolment.lockedUntil?.getTime() ?? now.getTime()) - now.getTime()) / 60_000));
  return invalidMfaCode(`Too many wrong two-factor codes: try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
};
